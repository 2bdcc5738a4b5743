import { command } from './command';
import {
  EvidenceChunkAck,
  EvidenceChunkInput,
  EvidenceListInput,
  EvidenceListView,
  EvidenceRecording,
  EvidenceRef,
  EvidenceStartInput,
  EvidenceStarted,
} from './evidence-schemas';

/** Evidence recording of a live interview, one recording per camera (see main/evidence). */
export const evidenceCommands = {
  'evidence.start': command({
    summary: "Start a recording of one camera of a live assignment; chunks follow with evidence.chunk.",
    input: EvidenceStartInput,
    output: EvidenceStarted,
  }),
  'evidence.chunk': command({
    summary: 'Append the next chunk (seq 0, 1, 2…) of a recording to its file, durably; a gap or a repeat is refused.',
    input: EvidenceChunkInput,
    output: EvidenceChunkAck,
  }),
  'evidence.finish': command({
    summary: 'Close a recording and remux its file so it seeks; answers with what ffprobe found.',
    input: EvidenceRef,
    output: EvidenceRecording,
  }),
  'evidence.list': command({
    summary: "The evidence recordings of one of the examiner's assignments.",
    input: EvidenceListInput,
    output: EvidenceListView,
  }),
} as const;
