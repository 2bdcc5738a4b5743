/**
 * A YAML writer for JSON values, for the documents generated from code (platform/openapi.yaml's
 * component schemas, platform/asyncapi.yaml): block style, so that a diff of a regenerated
 * document shows the one field that changed; strings plain where that is unambiguous, quoted
 * otherwise, and a string of several lines as a literal block so that prose stays readable.
 * Its own writer rather than a YAML library's, so the output never moves with a library's version.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const PLAIN = /^[A-Za-z_$][A-Za-z0-9_$./-]*$/;
// Words YAML 1.1 readers take for booleans or null.
const RESERVED = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
/**
 * Whether a literal block holds the text as written: not with control characters other than a
 * line feed (a tab included, to stay clear of indentation questions), nor with the line breaks
 * YAML 1.1 knows besides it, nor a byte order mark.
 */
function literalSafe(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029 || code === 0xfeff) return false;
  }
  return true;
}

function scalar(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${String(value)} has no JSON form`);
  if (typeof value === 'object') return Array.isArray(value) ? '[]' : '{}';
  return String(value);
}

/**
 * A string of several lines as a literal block (`|`), its content `indent` spaces in, or null when
 * it should stay a quoted scalar: one line, or a first line starting with blank space (a literal
 * block would need an indentation indicator), or characters a literal block cannot carry.
 */
function literal(value: JsonValue, indent: number): string[] | null {
  if (typeof value !== 'string' || !value.includes('\n') || /^\s/.test(value) || !literalSafe(value)) return null;
  const body = value.replace(/\n+$/, '');
  const trailing = value.length - body.length;
  // Chomping: `-` strips the final line feed, none keeps one, `+` keeps them all.
  const header = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${' '.repeat(indent)}${line}`));
  return [header, ...lines, ...Array<string>(Math.max(0, trailing - 1)).fill('')];
}

const isNested = (value: JsonValue): value is JsonValue[] | { [key: string]: JsonValue } =>
  value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);

/** One entry `key: value` at `indent` spaces, a nested value on the lines below it. */
export function yamlEntry(key: string, value: JsonValue, indent: number): string[] {
  const head = `${' '.repeat(indent)}${scalar(key)}:`;
  if (isNested(value)) return [head, ...yamlBlock(value, indent + 2)];
  const [header, ...rest] = literal(value, indent + 2) ?? [scalar(value)];
  return [`${head} ${header ?? ''}`, ...rest];
}

/** `key: value` lines for every entry of an object, or `- item` lines for an array, at `indent` spaces. */
export function yamlBlock(value: JsonValue[] | { [key: string]: JsonValue }, indent: number): string[] {
  if (!Array.isArray(value)) return Object.entries(value).flatMap(([key, item]) => yamlEntry(key, item, indent));
  return value.flatMap((item) => {
    if (!isNested(item)) {
      const [header, ...rest] = literal(item, indent + 2) ?? [scalar(item)];
      return [`${' '.repeat(indent)}- ${header ?? ''}`, ...rest];
    }
    // The item's first line moves up beside its dash.
    const [first = '', ...rest] = yamlBlock(item, indent + 2);
    return [`${' '.repeat(indent)}- ${first.trimStart()}`, ...rest];
  });
}
