/**
 * Local JSON references (`#/a/b`) in a parsed OpenAPI or AsyncAPI document, for the tests that hold
 * the platform's documents against the code (tests/unit/platform/openapi.test.ts, asyncapi.test.ts).
 */

/** The value a local `$ref` points at in the document, or undefined. */
export function resolveRef(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const part of ref.slice(2).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A schema with every `$ref` replaced by what it points at in the document (siblings kept). */
export function inlineRefs(document: unknown, schema: unknown, depth = 0): unknown {
  if (depth > 50) throw new Error('reference cycle');
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(document, item, depth + 1));
  if (schema === null || typeof schema !== 'object') return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  const own = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlineRefs(document, value, depth + 1)]));
  if (typeof $ref !== 'string') return own;
  return { ...(inlineRefs(document, resolveRef(document, $ref), depth + 1) as object), ...own };
}

/** Every `$ref` in a node, with the place it is at (a JSON pointer from `at`). */
export function* refsIn(node: unknown, at = '#'): Generator<{ ref: string; at: string }> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* refsIn(item, `${at}/${String(index)}`);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') yield { ref: value, at };
      else yield* refsIn(value, `${at}/${key}`);
    }
  }
}
