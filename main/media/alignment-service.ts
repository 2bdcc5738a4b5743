import { existsSync, readFileSync } from 'node:fs';
import type { Alignment, Waveform } from '@common/contract';
import type { EventHub } from '../contract/event-hub';
import type { Logger } from '../log';
import { findArtefact, linksOfAssignment, linksOfRecording, newestArtefact, type MediaCacheFolder } from '../recording-cache';
import type { SessionService } from '../services/session-service';
import type { Store } from '../store/connection';
import { alignAngles, type AlignmentFound, type AngleSound } from './align';
import { alignmentOf, deleteAlignment, findAlignment, saveAlignment, type AlignmentRow } from './alignment-rows';
import { readEnvelope, type EnvelopeMeta } from './envelope';
import { type Clock } from '../util/clock';

/** The artefact variant of the alignment envelope (kind `waveform`: it is made by the waveform job). */
export const ENVELOPE_VARIANT = 'envelope-100hz-v1';
/** Waveforms of this variant prefix are made with loudness and an envelope (older ones are made again). */
export const WAVEFORM_VARIANT_PREFIX = 'v2:';

export interface AlignmentDeps {
  readonly store: Store;
  readonly folder: MediaCacheFolder;
  readonly session: SessionService;
  readonly events: EventHub;
  readonly log: Logger;
  readonly now: Clock;
  /** Did this recording's waveform job fail (so it will not be made until the recording is opened again)? */
  readonly waveformFailed: (recordingId: string) => boolean;
}

type Angle = 'pending' | 'failed' | AngleSound;
type Detection = { readonly state: 'pending' | 'failed' | 'no_side' } | { readonly state: 'found'; readonly found: AlignmentFound };

/**
 * Each assignment's alignment for the signed-in examiner: found from the two angles' envelopes
 * once both waveforms are made (and stored, so it is found once), or set by the grader; every
 * change announced as `media.alignment`.
 */
export class AlignmentService {
  constructor(private readonly deps: AlignmentDeps) {}

  get(assignmentId: string): Alignment {
    const examinerId = this.deps.session.requireExaminerId();
    const stored = findAlignment(this.deps.store.reader, examinerId, assignmentId);
    if (stored) return alignmentOf(stored);
    return this.#detectAndStore(examinerId, assignmentId).alignment;
  }

  set(assignmentId: string, offsetMs: number): Alignment {
    const examinerId = this.deps.session.requireExaminerId();
    const sound = findAlignment(this.deps.store.reader, examinerId, assignmentId) ?? this.#detectAndStore(examinerId, assignmentId).row;
    const row: AlignmentRow = {
      examiner_id: examinerId,
      assignment_id: assignmentId,
      offset_ms: offsetMs,
      source: 'grader',
      confidence: sound?.confidence ?? null,
      detected_ms: sound?.detected_ms ?? null,
      reason: sound?.reason ?? null,
      updated_at: this.deps.now().getTime(),
    };
    this.deps.store.transaction((db) => saveAlignment(db, row));
    return this.#announce(alignmentOf(row));
  }

  reset(assignmentId: string): Alignment {
    const examinerId = this.deps.session.requireExaminerId();
    const stored = findAlignment(this.deps.store.reader, examinerId, assignmentId);
    let alignment: Alignment;
    if (stored && (stored.detected_ms !== null || stored.reason !== null)) {
      // What the sound found is kept with the grader's offset: back to it, without deciding again.
      const row: AlignmentRow = {
        ...stored,
        offset_ms: stored.detected_ms ?? 0,
        source: stored.detected_ms === null ? 'none' : 'sound',
        updated_at: this.deps.now().getTime(),
      };
      this.deps.store.transaction((db) => saveAlignment(db, row));
      alignment = alignmentOf(row);
    } else {
      if (stored) this.deps.store.transaction((db) => deleteAlignment(db, examinerId, assignmentId));
      alignment = this.#detectAndStore(examinerId, assignmentId).alignment;
    }
    return this.#announce(alignment);
  }

  /** The offset an export uses: the stored one, else what the sound finds now, else 0. */
  offsetFor(examinerId: string, assignmentId: string): number {
    const stored = findAlignment(this.deps.store.reader, examinerId, assignmentId);
    if (stored) return stored.offset_ms;
    return this.#detectAndStore(examinerId, assignmentId).alignment.offsetMs;
  }

  /**
   * A recording's waveform (and envelope) job ended: its assignments with both angles ready are
   * aligned and announced (and a failure announced, so nothing waits on it).
   */
  waveformMade(recordingId: string): void {
    const examinerId = this.deps.session.session === null ? null : this.deps.session.requireExaminerId();
    if (examinerId === null) return;
    for (const link of linksOfRecording(this.deps.store.reader, recordingId)) {
      if (link.examiner_id !== examinerId) continue;
      const stored = findAlignment(this.deps.store.reader, examinerId, link.assignment_id);
      // Decided already; only a grader's offset set before the sound was known learns what the sound finds.
      if (stored && !(stored.source === 'grader' && stored.detected_ms === null && stored.reason === null)) continue;
      try {
        const { alignment, row } = this.#detectAndStore(examinerId, link.assignment_id);
        if (stored && row !== null) {
          const kept: AlignmentRow = { ...row, offset_ms: stored.offset_ms, source: 'grader' };
          this.deps.store.transaction((db) => saveAlignment(db, kept));
          this.#announce(alignmentOf(kept));
        } else if (!stored && (row !== null || alignment.reason === 'failed')) {
          this.#announce(alignment);
        }
      } catch (error) {
        this.deps.log.warn('aligning the angles failed', { assignmentId: link.assignment_id, error: String(error) });
      }
    }
  }

  #detectAndStore(examinerId: string, assignmentId: string): { alignment: Alignment; row: AlignmentRow | null } {
    const detection = this.#detect(examinerId, assignmentId);
    if (detection.state !== 'found') {
      const reason = detection.state;
      return { alignment: { assignmentId, offsetMs: 0, source: 'none', confidence: null, detectedMs: null, reason }, row: null };
    }
    const { found } = detection;
    const row: AlignmentRow = {
      examiner_id: examinerId,
      assignment_id: assignmentId,
      offset_ms: found.reason === null ? found.offsetMs : 0,
      source: found.reason === null ? 'sound' : 'none',
      confidence: found.confidence,
      detected_ms: found.reason === null ? found.offsetMs : null,
      reason: found.reason,
      updated_at: this.deps.now().getTime(),
    };
    this.deps.store.transaction((db) => saveAlignment(db, row));
    return { alignment: alignmentOf(row), row };
  }

  #detect(examinerId: string, assignmentId: string): Detection {
    const links = linksOfAssignment(this.deps.store.reader, examinerId, assignmentId);
    // Recordings not known yet (the assignment not synced or downloaded): wait, as for a waveform.
    if (links.length === 0) return { state: 'pending' };
    const main = links.find((link) => link.angle === 'main');
    const side = links.find((link) => link.angle === 'side');
    if (!main || !side) {
      // Only one angle: there is nothing to align (known only once its sound is made, like the rest).
      const only = main ?? side;
      const sound = only ? this.#angle(only.recording_id) : 'pending';
      return sound === 'pending' || sound === 'failed' ? { state: sound } : { state: 'no_side' };
    }
    const mainSound = this.#angle(main.recording_id);
    const sideSound = this.#angle(side.recording_id);
    if (mainSound === 'failed' || sideSound === 'failed') return { state: 'failed' };
    if (mainSound === 'pending' || sideSound === 'pending') return { state: 'pending' };
    return { state: 'found', found: alignAngles(mainSound, sideSound) };
  }

  /** What alignment needs of one angle: its envelope, or that it has no audio; pending until its waveform is made. */
  #angle(recordingId: string): Angle {
    const waveformRow = newestArtefact(this.deps.store.reader, recordingId, 'waveform', WAVEFORM_VARIANT_PREFIX);
    if (!waveformRow?.data) return this.deps.waveformFailed(recordingId) ? 'failed' : 'pending';
    const waveform = JSON.parse(waveformRow.data) as Waveform;
    if (waveform.kind === 'no_audio') return 'no_audio';
    const envelopeRow = findArtefact(this.deps.store.reader, recordingId, 'waveform', ENVELOPE_VARIANT);
    const file = envelopeRow?.path ? this.deps.folder.resolve(envelopeRow.path) : null;
    if (!envelopeRow?.data || file === null || !existsSync(file)) return 'pending';
    const envelope = readEnvelope(readFileSync(file), JSON.parse(envelopeRow.data) as EnvelopeMeta);
    return envelope ?? 'failed';
  }

  #announce(alignment: Alignment): Alignment {
    if (this.deps.session.session !== null) this.deps.events.emit('media.alignment', alignment);
    return alignment;
  }
}
