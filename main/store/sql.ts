/**
 * A `sql` tagged template: interpolated values become bound parameters, never SQL text, so a
 * query cannot be built by string concatenation (cf. Signal's sql helper).
 *
 *   const query = sql`SELECT * FROM score_sheets WHERE assignment_id = ${id}`;
 *
 * Queries compose from fragments (cf. Signal's sqlFragment and sqlJoin): a fragment made by the
 * same tag, interpolated into another, splices in its text and its parameters, in place and in
 * order; `sqlJoin` puts fragments one after another with a fragment between them.
 *
 *   const where = sql`WHERE assignment_id = ${id} AND examiner_id = ${examinerId}`;
 *   db.run(sql`UPDATE score_sheets SET status = ${status} ${where}`);
 *   sql`SELECT * FROM outbox WHERE ${sqlJoin([sql`examiner_id = ${examinerId}`, sql`attempts > ${n}`], sql` AND `)}`;
 *
 * Only this module makes fragments (a query is a fragment), and the store runs nothing else: a
 * string, wherever it comes from, can only ever be a parameter.
 */
export type SqlValue = string | number | bigint | Buffer | null;

/** Only the functions of this module hold it, so only they make fragments. */
const MADE_HERE: unique symbol = Symbol('sql');

/** SQL text with its bound parameters, one per `?` in order: a whole query or a piece of one. */
export class SqlFragment {
  readonly #text: string;
  readonly #params: readonly SqlValue[];

  constructor(madeHere: typeof MADE_HERE, text: string, params: readonly SqlValue[]) {
    if (madeHere !== MADE_HERE) throw new TypeError('SQL is made by the sql tag, never by hand');
    this.#text = text;
    this.#params = Object.freeze([...params]);
  }

  get text(): string {
    return this.#text;
  }

  get params(): readonly SqlValue[] {
    return this.#params;
  }
}

/** What the store runs: a fragment made by `sql` (or `sqlJoin`). */
export type SqlQuery = SqlFragment;

/** What may be interpolated: a value (always a bound parameter) or a fragment (spliced in). */
export type SqlPart = SqlValue | SqlFragment;

export function sql(strings: TemplateStringsArray, ...values: readonly SqlPart[]): SqlFragment {
  let text = strings[0] ?? '';
  const params: SqlValue[] = [];
  values.forEach((value, index) => {
    if (value instanceof SqlFragment) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1] ?? '';
  });
  return new SqlFragment(MADE_HERE, text, params);
}

/** The fragments one after another, `separator` (a fragment too, e.g. sql`, ` or sql` AND `) between each two. */
export function sqlJoin(fragments: readonly SqlFragment[], separator: SqlFragment = sql`, `): SqlFragment {
  const params: SqlValue[] = [];
  const texts = fragments.map((fragment, index) => {
    if (index > 0) params.push(...separator.params);
    params.push(...fragment.params);
    return fragment.text;
  });
  return new SqlFragment(MADE_HERE, texts.join(separator.text), params);
}
