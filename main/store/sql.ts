/**
 * A `sql` tagged template: interpolated values become bound parameters, never SQL text, so a
 * query cannot be built by string concatenation (cf. Signal's sql helper).
 *
 *   const [query, params] = sql`SELECT * FROM score_sheets WHERE assignment_id = ${id}`;
 */
export type SqlValue = string | number | bigint | Buffer | null;

export interface SqlQuery {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

export function sql(strings: TemplateStringsArray, ...values: readonly SqlValue[]): SqlQuery {
  return { text: strings.join('?'), params: values };
}
