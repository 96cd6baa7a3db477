import { DICTIONARY_CHANNEL, TOKENIZE_CHANNEL, type DictionaryLoadEvent, type TokenizeEvent } from '@kumo/analyzer';
import { onDiagnostics, type AppMetrics } from '@kumo/observability';

/**
 * Turns the analyzer's diagnostics (`kumo:analyzer:tokenize`, `kumo:analyzer:dictionary`) into metrics of the app's
 * registry: `kumo_tokenized_chars_total` and `kumo_tokens_total` (throughput of kuromoji in this process) and
 * `kumo_dictionary_load_seconds` (the last dictionary build). Returns the function that unsubscribes.
 */
export function bridgeAnalyzerMetrics(metrics: AppMetrics): () => void {
  const chars = metrics.counter('kumo_tokenized_chars_total', 'Characters tokenised by kuromoji', []);
  const tokens = metrics.counter('kumo_tokens_total', 'Tokens produced by kuromoji', []);
  const dictionary = metrics.gauge('kumo_dictionary_load_seconds', 'Time the kuromoji dictionary took to build', []);
  const unsubscribers = [
    onDiagnostics<TokenizeEvent>(TOKENIZE_CHANNEL, (event) => {
      chars.inc(event.chars);
      tokens.inc(event.tokens);
    }),
    onDiagnostics<DictionaryLoadEvent>(DICTIONARY_CHANNEL, (event) => dictionary.set(event.ms / 1000)),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
