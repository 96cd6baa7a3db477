import { z } from 'zod';

/** Environment values are strings; these helpers parse them with messages that say what is expected. */
export const envInt = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

export const envBool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A comma-separated list; blanks are dropped. */
export const envList = () =>
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

export const envPort = () => envInt(0, 65535);

/** Node/V8 command-line flags, space-separated (`--name` or `--name=value`); `none` for no flags at all. */
export const envNodeFlags = () =>
  z
    .string()
    .regex(/^(none|\s*(--[a-z0-9-]+(=\S+)?(\s+|$))+)$/, {
      error: 'expected space-separated --flags (e.g. --max-semi-space-size=2), or none',
    })
    .transform((value) => (value === 'none' ? [] : value.split(/\s+/).filter((flag) => flag.length > 0)));
