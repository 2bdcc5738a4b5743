/** Something whose state can be read now and watched for changes. */
export interface Observable<S> {
  readonly snapshot: S;
  subscribe(listener: () => void): () => void;
}

/** Resolves with the snapshot once `predicate` holds for it (now or after a change). */
export function untilSnapshot<S>(source: Observable<S>, predicate: (snapshot: S) => boolean): Promise<S> {
  return new Promise((resolve) => {
    const check = () => {
      const snapshot = source.snapshot;
      if (!predicate(snapshot)) return;
      unsubscribe();
      resolve(snapshot);
    };
    const unsubscribe = source.subscribe(check);
    check();
  });
}
