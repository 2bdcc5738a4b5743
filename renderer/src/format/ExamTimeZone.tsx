import { createContext, useContext, type ReactNode } from 'react';
import { localTimeZone } from './time';

const ExamTimeZoneContext = createContext<string>(localTimeZone());

/** Every time shown below this is in the exam's time zone. */
export function ExamTimeZone({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  return <ExamTimeZoneContext.Provider value={timeZone}>{children}</ExamTimeZoneContext.Provider>;
}

export function useExamTimeZone(): string {
  return useContext(ExamTimeZoneContext);
}
