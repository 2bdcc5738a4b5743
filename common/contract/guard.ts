import { CONTRACT_LIMITS, FORBIDDEN_KEYS } from './limits';

/**
 * Structural checks on a raw contract input, before schema parsing. Refuses what no schema
 * should ever have to think about: prototype keys, non-plain objects, non-finite numbers,
 * oversize strings and inputs too deep or too large. Returns a reason, or null when clean.
 */
export function findInputProblem(input: unknown): string | null {
  let nodes = 0;
  const visit = (value: unknown, path: string, depth: number): string | null => {
    if (depth > CONTRACT_LIMITS.maxDepth) return `${path}: nested deeper than ${CONTRACT_LIMITS.maxDepth}`;
    switch (typeof value) {
      case 'string':
        return value.length > CONTRACT_LIMITS.maxStringLength
          ? `${path}: string longer than ${CONTRACT_LIMITS.maxStringLength}`
          : null;
      case 'number':
        return Number.isFinite(value) ? null : `${path}: number is not finite`;
      case 'boolean':
        return null;
      case 'undefined':
        return null;
      case 'object':
        break;
      default:
        return `${path}: a ${typeof value} cannot cross the contract`;
    }
    if (value === null) return null;
    if (Array.isArray(value)) {
      nodes += value.length;
      if (nodes > CONTRACT_LIMITS.maxNodes) return `${path}: more than ${CONTRACT_LIMITS.maxNodes} items`;
      for (let i = 0; i < value.length; i++) {
        const problem = visit(value[i], `${path}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${path}: not a plain object`;
    const keys = Reflect.ownKeys(value);
    nodes += keys.length;
    if (nodes > CONTRACT_LIMITS.maxNodes) return `${path}: more than ${CONTRACT_LIMITS.maxNodes} keys`;
    for (const key of keys) {
      if (typeof key === 'symbol') return `${path}: symbol keys are not allowed`;
      if (FORBIDDEN_KEYS.has(key)) return `${path}: key "${key}" is not allowed`;
      const problem = visit((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(input, 'input', 0);
}
