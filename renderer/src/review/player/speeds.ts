/** The speeds the grader can choose, slow motion to double speed. */
export const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const;
