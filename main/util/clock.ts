/** The time now, as every service in main reads it; tests pass their own to move time by hand. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
