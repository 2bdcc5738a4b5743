import { z } from 'zod';
import { ExaminerProfile, Password, Username } from '../platform/wire';

/** Commands that take nothing still take an object, and a strict one. */
export const NoInput = z.strictObject({});

export const HostKind = z.enum(['electron', 'browser']);
export type HostKind = z.infer<typeof HostKind>;

export const AppInfo = z.strictObject({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  /** Origin of the platform this workstation talks to, or null when none is configured. */
  platformOrigin: z.string().nullable(),
  /** True when `npm start` embedded the reference platform with demo data. */
  demo: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const ConnectionState = z.enum(['unknown', 'online', 'offline', 'unconfigured']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const PlatformHealth = z.strictObject({
  state: ConnectionState,
  /** When the platform was last asked, ISO 8601; null before the first check. */
  checkedAt: z.iso.datetime().nullable(),
  /** When it last answered, ISO 8601; null if it never has since start. */
  lastOnlineAt: z.iso.datetime().nullable(),
  /** Round trip of the last successful check, in milliseconds. */
  latencyMs: z.number().nonnegative().nullable(),
  platformVersion: z.string().nullable(),
  /** Why the last check failed, in English for logs; the UI shows the state. */
  error: z.string().nullable(),
});
export type PlatformHealth = z.infer<typeof PlatformHealth>;

export const LoginInput = z.strictObject({
  username: Username,
  password: Password,
});
export type LoginInput = z.infer<typeof LoginInput>;

/** What the renderer knows of the signed-in examiner. The platform token never leaves main. */
export const Session = z.strictObject({
  examiner: ExaminerProfile.strict(),
  signedInAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Session = z.infer<typeof Session>;
