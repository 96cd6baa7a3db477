import { z } from 'zod';
import { configSchema } from './schema.js';

export interface SettingDoc {
  variable: string;
  description: string;
  default: string;
}

/** One row per setting, in schema order: what the README's configuration table shows. */
export function describeSettings(): SettingDoc[] {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, { description?: string; default?: unknown }>;
  };
  return Object.keys(configSchema.shape).map((variable) => {
    const property = json.properties[variable] ?? {};
    const fallback = property.default;
    return {
      variable,
      description: property.description ?? '',
      default: fallback === undefined ? '' : Array.isArray(fallback) ? fallback.join(',') : String(fallback),
    };
  });
}

/** The Markdown configuration table (defaults that depend on the machine are shown as such). */
export function renderConfigTable(): string {
  const rows = describeSettings().map((setting) => {
    let shown = setting.default === '' ? '—' : `\`${setting.default}\``;
    if (setting.variable === 'API_PROCESSES' || setting.variable === 'WORKER_PROCESSES') shown = 'number of cores';
    return `| \`${setting.variable}\` | ${setting.description} | ${shown} |`;
  });
  return ['| variable | meaning | default |', '|---|---|---|', ...rows].join('\n');
}
