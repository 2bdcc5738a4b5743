import { describe, expect, it } from 'vitest';
import { Disposables } from '../../../main/util/disposables';

describe('Disposables', () => {
  it('runs the teardowns last added first, once', () => {
    const ran: string[] = [];
    const disposables = new Disposables();
    disposables.add(() => ran.push('first'));
    disposables.add(
      () => ran.push('second'),
      () => ran.push('third'),
    );
    disposables.dispose();
    expect(ran).toEqual(['third', 'second', 'first']);
    disposables.dispose();
    expect(ran).toEqual(['third', 'second', 'first']);
  });

  it('runs every teardown when one throws, and throws its error after', () => {
    const ran: string[] = [];
    const disposables = new Disposables();
    const failure = new Error('teardown failed');
    disposables.add(
      () => ran.push('first'),
      () => {
        throw failure;
      },
      () => ran.push('last'),
    );
    expect(() => disposables.dispose()).toThrow(failure);
    expect(ran).toEqual(['last', 'first']);
  });

  it('throws every error together when several teardowns throw', () => {
    const disposables = new Disposables();
    disposables.add(
      () => {
        throw new Error('one');
      },
      () => {
        throw new Error('two');
      },
    );
    let thrown: unknown;
    try {
      disposables.dispose();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AggregateError);
    expect((thrown as AggregateError).errors.map((error: Error) => error.message)).toEqual(['two', 'one']);
  });

  it('takes teardowns added after a dispose for the next one', () => {
    const ran: string[] = [];
    const disposables = new Disposables();
    disposables.add(() => ran.push('before'));
    disposables.dispose();
    disposables.add(() => ran.push('after'));
    disposables.dispose();
    expect(ran).toEqual(['before', 'after']);
  });
});
