import { useEffect, useState } from 'react';
import { FairLoudnessGraph } from './fair-loudness';

export interface FairLoudness {
  /** Null without Web Audio. */
  readonly graph: FairLoudnessGraph | null;
  /** Resumes the page's audio on the grader's gesture (play). */
  resume(): void;
}

/** Each angle's sound through its own gain (dB), on one graph for the player's life. */
export function useFairLoudness(mainVideo: HTMLVideoElement | null, sideVideo: HTMLVideoElement | null, mainGainDb: number, sideGainDb: number): FairLoudness {
  const [graph] = useState<FairLoudnessGraph | null>(() => {
    const made = new FairLoudnessGraph();
    return made.supported ? made : null;
  });
  // Its angles come off the graph with the player (and back on, should React mount it again).
  useEffect(() => () => graph?.dispose(), [graph]);
  useEffect(() => {
    graph?.attach('main', mainVideo, mainGainDb);
  }, [graph, mainVideo, mainGainDb]);
  useEffect(() => {
    graph?.attach('side', sideVideo, sideGainDb);
  }, [graph, sideVideo, sideGainDb]);
  // Playing without a gesture (a key the page had focus for) still resumes once it can.
  useEffect(() => {
    if (!graph) return;
    const videos = [mainVideo, sideVideo].filter((video): video is HTMLVideoElement => video !== null);
    const onPlay = () => graph.resume();
    for (const video of videos) video.addEventListener('play', onPlay);
    return () => {
      for (const video of videos) video.removeEventListener('play', onPlay);
    };
  }, [graph, mainVideo, sideVideo]);
  return { graph, resume: () => graph?.resume() };
}
