import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import * as wire from '@common/platform';
import { yamlEntry, type JsonValue } from './json-yaml';

/**
 * The component schemas of platform/openapi.yaml, generated from the zod schemas that
 * common/platform exports, so the document cannot drift from the code: every exported schema is
 * a component of the same name, and a schema used inside another is a `$ref` to it.
 *
 * Each is converted as its parser accepts it (`io: 'input'`): request schemas are strict
 * (`additionalProperties: false`) and fields with a default are optional, while response schemas
 * leave room for fields a newer platform adds, as the workstation's lenient parsing does.
 *
 * `npx tsx --tsconfig tsconfig.node.json platform/openapi-schemas.ts` rewrites the generated
 * part of openapi.yaml; tests/unit/platform/openapi.test.ts fails while it is stale.
 */

export const OPENAPI_FILE = fileURLToPath(new URL('./openapi.yaml', import.meta.url));
export const SCHEMA_REF_PREFIX = '#/components/schemas/';
/** Everything after this line of openapi.yaml is generated. */
export const GENERATED_MARKER = '    # Generated from common/platform by platform/openapi-schemas.ts: do not edit below.';

export type { JsonValue } from './json-yaml';

/** Every zod schema common/platform exports, by its exported name. */
export function wireSchemas(): Map<string, z.ZodType> {
  const schemas = new Map<string, z.ZodType>();
  for (const [name, value] of Object.entries(wire)) {
    if (value instanceof z.ZodType) schemas.set(name, value);
  }
  return schemas;
}

/** components.schemas, sorted by name. */
export function componentSchemas(): Record<string, JsonValue> {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of wireSchemas()) {
    const other = names.get(schema);
    if (other !== undefined) throw new Error(`common/platform exports one schema as both ${other} and ${name}`);
    names.set(schema, name);
    registry.add(schema, { id: name });
  }
  const generated = z.toJSONSchema(registry, { io: 'input', uri: (id) => `${SCHEMA_REF_PREFIX}${id}` }).schemas;
  const components: Record<string, JsonValue> = {};
  for (const name of [...Object.keys(generated)].sort()) {
    // A component is addressed by its place in the document: no `$id`, and OpenAPI 3.1 implies the dialect.
    const { $id: _id, $schema: _schema, ...schema } = generated[name] ?? {};
    components[name] = JSON.parse(JSON.stringify(schema)) as JsonValue;
  }
  return components;
}

/** The generated tail of openapi.yaml: the marker, then each component at the indentation of components.schemas. */
export function generatedSchemasYaml(): string {
  const lines = [GENERATED_MARKER];
  for (const [name, schema] of Object.entries(componentSchemas())) lines.push(...yamlEntry(name, schema, 4));
  return `${lines.join('\n')}\n`;
}

/** openapi.yaml with its generated part replaced by what the schemas say now. */
export function regenerated(document: string): string {
  const at = document.indexOf(`${GENERATED_MARKER}\n`);
  if (at < 0) throw new Error(`openapi.yaml has no line "${GENERATED_MARKER}"`);
  return document.slice(0, at) + generatedSchemasYaml();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_FILE, regenerated(readFileSync(OPENAPI_FILE, 'utf8')));
  process.stdout.write(`rewrote the component schemas of ${OPENAPI_FILE}\n`);
}
