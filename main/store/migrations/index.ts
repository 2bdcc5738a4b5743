import type Database from 'better-sqlite3';
import { m0001Initial } from './0001-initial';
import { m0002SyncIndexes } from './0002-sync-indexes';
import { m0003Evidence } from './0003-evidence';
import { m0004MediaCache } from './0004-media-cache';
import { m0005ReviewMarks } from './0005-review-marks';
import { m0006FairScoring } from './0006-fair-scoring';
import { m0007ReviewAlignment } from './0007-review-alignment';

export interface Migration {
  /** The user_version after it runs; versions go up by one. */
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

/**
 * Every migration, in order. To add one: a new file NNNN-name.ts exporting a Migration with the
 * next version, appended here, and a test in tests/integration/store-migrations.test.ts that
 * migrates to N−1, inserts, migrates to N and compares. Never edit a migration that shipped.
 */
export const MIGRATIONS: readonly Migration[] = [
  m0001Initial,
  m0002SyncIndexes,
  m0003Evidence,
  m0004MediaCache,
  m0005ReviewMarks,
  m0006FairScoring,
  m0007ReviewAlignment,
];
