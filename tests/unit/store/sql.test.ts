import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlQuery, SqlValue } from '../../../main/store/sql';
import { sql, SqlFragment, sqlJoin } from '../../../main/store/sql';
import { sqliteOptions } from '../../../main/store/database';

/**
 * The `sql` tag and its fragments: a value is always a bound parameter, a fragment splices in its
 * text and its parameters in place, and nothing else becomes SQL text. Proven on the text and
 * parameters, and on a real SQLite, which binds them.
 */

let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:', sqliteOptions());
  db.exec(`CREATE TABLE sheets (assignment_id TEXT NOT NULL, examiner_id TEXT NOT NULL, status TEXT NOT NULL, total REAL)`);
  const insert = db.prepare('INSERT INTO sheets VALUES (?, ?, ?, ?)');
  insert.run('a1', 'e1', 'draft', 3);
  insert.run('a2', 'e1', 'submitted', 7);
  insert.run('a3', 'e2', 'draft', 5);
});

afterEach(() => db.close());

const all = (query: SqlQuery) => db.prepare(query.text).all(...(query.params as SqlValue[]));
const run = (query: SqlQuery) => db.prepare(query.text).run(...(query.params as SqlValue[]));

describe('sql', () => {
  it('makes every interpolated value a bound parameter, in order', () => {
    const query = sql`SELECT assignment_id FROM sheets WHERE examiner_id = ${'e1'} AND status = ${'draft'} AND total > ${1}`;
    expect(query.text).toBe('SELECT assignment_id FROM sheets WHERE examiner_id = ? AND status = ? AND total > ?');
    expect(query.params).toEqual(['e1', 'draft', 1]);
    expect(all(query)).toEqual([{ assignment_id: 'a1' }]);
  });

  it('keeps a string that looks like SQL a parameter, never SQL text', () => {
    const hostile = "e1' OR '1'='1";
    const query = sql`SELECT assignment_id FROM sheets WHERE examiner_id = ${hostile}`;
    expect(query.text).toBe('SELECT assignment_id FROM sheets WHERE examiner_id = ?');
    expect(query.text).not.toContain(hostile);
    expect(query.params).toEqual([hostile]);
    expect(all(query)).toEqual([]);

    const dropping = 'x; DROP TABLE sheets; --';
    run(sql`UPDATE sheets SET status = ${dropping} WHERE assignment_id = ${'a1'}`);
    expect(all(sql`SELECT status FROM sheets WHERE assignment_id = ${'a1'}`)).toEqual([{ status: dropping }]);
    expect(all(sql`SELECT COUNT(*) AS n FROM sheets`)).toEqual([{ n: 3 }]);
  });

  it('binds null, bigint and Buffer values as parameters too', () => {
    const blob = Buffer.from([0, 1, 2]);
    const query = sql`SELECT ${null} AS a, ${10n} AS b, ${blob} AS c`;
    expect(query.text).toBe('SELECT ? AS a, ? AS b, ? AS c');
    expect(query.params).toEqual([null, 10n, blob]);
    expect(all(query)).toEqual([{ a: null, b: 10, c: blob }]);
  });

  it('splices a fragment in place, its parameters between the ones around it', () => {
    const where = sql`WHERE assignment_id = ${'a2'} AND examiner_id = ${'e1'}`;
    const query = sql`UPDATE sheets SET status = ${'accepted'}, total = ${9} ${where} AND status != ${'recused'}`;
    expect(query.text).toBe('UPDATE sheets SET status = ?, total = ? WHERE assignment_id = ? AND examiner_id = ? AND status != ?');
    expect(query.params).toEqual(['accepted', 9, 'a2', 'e1', 'recused']);
    expect(run(query).changes).toBe(1);
    expect(all(sql`SELECT status, total FROM sheets WHERE assignment_id = ${'a2'}`)).toEqual([{ status: 'accepted', total: 9 }]);
  });

  it('splices fragments inside fragments, and a fragment reused keeps its parameters each time', () => {
    const examiner = sql`examiner_id = ${'e1'}`;
    const inner = sql`${examiner} AND total >= ${3}`;
    const query = sql`SELECT assignment_id FROM sheets WHERE ${inner} AND assignment_id IN (SELECT assignment_id FROM sheets WHERE ${examiner}) ORDER BY ${sql`assignment_id`}`;
    expect(query.text).toBe(
      'SELECT assignment_id FROM sheets WHERE examiner_id = ? AND total >= ? AND assignment_id IN (SELECT assignment_id FROM sheets WHERE examiner_id = ?) ORDER BY assignment_id',
    );
    expect(query.params).toEqual(['e1', 3, 'e1']);
    expect(all(query)).toEqual([{ assignment_id: 'a1' }, { assignment_id: 'a2' }]);
  });

  it('leaves the fragments it splices unchanged', () => {
    const where = sql`WHERE examiner_id = ${'e1'}`;
    const query = sql`SELECT * FROM sheets ${where} AND status = ${'draft'}`;
    expect(query.params).toEqual(['e1', 'draft']);
    expect(where.text).toBe('WHERE examiner_id = ?');
    expect(where.params).toEqual(['e1']);
    expect(Object.isFrozen(where.params)).toBe(true);
  });

  it('is made only by the tag: a query built by hand is refused', () => {
    // A plain { text, params } is not a query: the types refuse it, and so does the constructor.
    // @ts-expect-error -- the store runs only what `sql` made
    const forged: SqlQuery = { text: `SELECT * FROM sheets WHERE examiner_id = '${'e1'}'`, params: [] };
    expect(forged).not.toBeInstanceOf(SqlFragment);
    const Fragment = SqlFragment as unknown as new (key: symbol, text: string, params: SqlValue[]) => SqlFragment;
    expect(() => new Fragment(Symbol('sql'), 'DROP TABLE sheets', [])).toThrow(TypeError);
  });
});

describe('sqlJoin', () => {
  it('joins fragments with the separator, every parameter in order', () => {
    const conditions = [sql`examiner_id = ${'e1'}`, sql`status = ${'draft'}`, sql`total < ${4}`];
    const query = sql`SELECT assignment_id FROM sheets WHERE ${sqlJoin(conditions, sql` AND `)}`;
    expect(query.text).toBe('SELECT assignment_id FROM sheets WHERE examiner_id = ? AND status = ? AND total < ?');
    expect(query.params).toEqual(['e1', 'draft', 4]);
    expect(all(query)).toEqual([{ assignment_id: 'a1' }]);
  });

  it('joins with a comma by default, and a list of values stays a list of parameters', () => {
    const ids = ['a3', "a1') OR ('1'='1", 'a1'];
    const query = sql`SELECT assignment_id FROM sheets WHERE assignment_id IN (${sqlJoin(ids.map((id) => sql`${id}`))}) ORDER BY assignment_id`;
    expect(query.text).toBe('SELECT assignment_id FROM sheets WHERE assignment_id IN (?, ?, ?) ORDER BY assignment_id');
    expect(query.params).toEqual(ids);
    expect(all(query)).toEqual([{ assignment_id: 'a1' }, { assignment_id: 'a3' }]);
  });

  it('binds the parameters of a separator between each two fragments', () => {
    const joined = sqlJoin([sql`${1}`, sql`${2}`, sql`${3}`], sql` + ${10} + `);
    expect(joined.text).toBe('? + ? + ? + ? + ?');
    expect(joined.params).toEqual([1, 10, 2, 10, 3]);
    expect(all(sql`SELECT ${joined} AS n`)).toEqual([{ n: 26 }]);
  });

  it('gives an empty fragment for no fragments and the fragment itself for one', () => {
    expect(sqlJoin([])).toMatchObject({ text: '', params: [] });
    const one = sqlJoin([sql`status = ${'draft'}`], sql` OR `);
    expect(one.text).toBe('status = ?');
    expect(one.params).toEqual(['draft']);
  });
});
