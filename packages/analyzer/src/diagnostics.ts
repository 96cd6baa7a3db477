import diagnosticsChannel from 'node:diagnostics_channel';

/** Published once per tokenised text: `{ chars, tokens, chunks, ms }` (see `TokenizeEvent`). */
export const TOKENIZE_CHANNEL = 'kumo:analyzer:tokenize';
/** Published once when the kuromoji dictionary has been built: `{ ms }` (see `DictionaryLoadEvent`). */
export const DICTIONARY_CHANNEL = 'kumo:analyzer:dictionary';

/** Payload of `kumo:analyzer:tokenize`. */
export interface TokenizeEvent {
  /** Characters (UTF-16 code units) tokenised. */
  chars: number;
  /** Tokens kuromoji produced, whitespace tokens included. */
  tokens: number;
  /** Chunks the text was split into (the event loop gets a turn between two chunks at most every 10 ms). */
  chunks: number;
  /** Milliseconds spent tokenising, excluding the time yielded to the event loop between chunks. */
  ms: number;
}

/** Payload of `kumo:analyzer:dictionary`. */
export interface DictionaryLoadEvent {
  /** Milliseconds the dictionary took to load and build. */
  ms: number;
}

export const tokenizeChannel = diagnosticsChannel.channel(TOKENIZE_CHANNEL);
export const dictionaryChannel = diagnosticsChannel.channel(DICTIONARY_CHANNEL);
