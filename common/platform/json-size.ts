import { z } from 'zod';

/**
 * The most bytes `JSON.stringify` can write, in UTF-8, for any value a request schema accepts:
 * what a body limit must allow so that no valid request is refused for its size.
 *
 * Read from the schema's JSON Schema (zod's own conversion, as platform/openapi.yaml is), so a
 * limit changed in the schema moves the figure with it. Every string, array and record must be
 * bounded (`maxLength`, `maxItems`, `maxProperties`): a field without a bound throws here, at
 * import, because no body limit could then promise that a valid request fits.
 *
 * Worst cases: a character of a string takes at most 6 bytes (`\u001f` for a control character
 * and `\udc00` for a lone surrogate, which `JSON.stringify` escapes; zod counts code points, so
 * an astral character is one of them and takes 4); a number at most 24 (`-2.2250738585072014e-308`),
 * an integer with bounds no more than its longest bound.
 */
export function maxJsonBytes(schema: z.ZodType): number {
  return bytesOf(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema, '(root)');
}

/** The part of JSON Schema that zod writes for the shapes a request uses. */
interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly propertyNames?: JsonSchema;
  readonly $ref?: string;
}

const MAX_BYTES_PER_CHARACTER = 6;
const MAX_NUMBER_BYTES = 24;

/** The UTF-8 length of a value's JSON (which escapes lone surrogates, so every code point is whole). */
function utf8Bytes(value: unknown): number {
  let bytes = 0;
  for (const character of JSON.stringify(value)) {
    const code = character.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function bytesOf(schema: JsonSchema, path: string): number {
  if (schema.$ref !== undefined) throw new Error(`maxJsonBytes: ${path} refers to ${schema.$ref}; a recursive schema has no largest value`);
  if ('const' in schema) return utf8Bytes(schema.const);
  if (schema.enum) return Math.max(...schema.enum.map(utf8Bytes));
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return Math.max(...options.map((option, index) => bytesOf(option, `${path}|${String(index)}`)));
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  if (types.length === 0) throw new Error(`maxJsonBytes: ${path} accepts any value; give it a type`);
  return Math.max(...types.map((type) => bytesOfType(schema, type, path)));
}

function bytesOfType(schema: JsonSchema, type: string, path: string): number {
  switch (type) {
    case 'null':
      return 4;
    case 'boolean':
      return 5;
    case 'integer':
      return integerBytes(schema);
    case 'number':
      return MAX_NUMBER_BYTES;
    case 'string':
      return stringBytes(schema, path);
    case 'array': {
      if (schema.maxItems === undefined) throw new Error(`maxJsonBytes: ${path} has no maxItems; give the array a .max()`);
      if (schema.maxItems === 0) return 2;
      const item = schema.items ? bytesOf(schema.items, `${path}[]`) : 0;
      return 2 + schema.maxItems * item + (schema.maxItems - 1);
    }
    case 'object':
      return objectBytes(schema, path);
    default:
      throw new Error(`maxJsonBytes: ${path} has a type ${type} this cannot measure`);
  }
}

function stringBytes(schema: JsonSchema, path: string): number {
  if (schema.maxLength === undefined) throw new Error(`maxJsonBytes: ${path} has no maxLength; give the string a .max() or .length()`);
  return 2 + schema.maxLength * MAX_BYTES_PER_CHARACTER;
}

function integerBytes(schema: JsonSchema): number {
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  if (low === undefined || high === undefined) return MAX_NUMBER_BYTES;
  return Math.max(String(Math.trunc(low)).length, String(Math.trunc(high)).length);
}

function objectBytes(schema: JsonSchema, path: string): number {
  const fields = Object.entries(schema.properties ?? {});
  // Each member: "name": value, and a comma between members.
  let bytes = 2 + fields.reduce((sum, [name, field]) => sum + utf8Bytes(name) + 1 + bytesOf(field, `${path}.${name}`), 0);
  let members = fields.length;
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    if (extra === true) throw new Error(`maxJsonBytes: ${path} takes members of any shape; give them a schema`);
    if (schema.maxProperties === undefined) throw new Error(`maxJsonBytes: ${path} takes any number of members; give it a maxProperties`);
    const name = schema.propertyNames ? bytesOf({ type: 'string', ...schema.propertyNames }, `${path}{name}`) : Number.NaN;
    if (Number.isNaN(name)) throw new Error(`maxJsonBytes: ${path} takes members of any name; bound their names`);
    bytes += schema.maxProperties * (name + 1 + bytesOf(extra, `${path}{}`));
    members += schema.maxProperties;
  }
  return bytes + Math.max(0, members - 1);
}
