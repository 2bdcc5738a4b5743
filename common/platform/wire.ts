import { z } from 'zod';

/**
 * The exam platform's wire format, shared by the workstation's client and the reference
 * platform in platform/. platform/openapi.yaml documents the same shapes for other
 * implementers. Requests are strict (unknown fields refused); responses the workstation reads
 * are parsed leniently so a newer platform may add fields without breaking older clients.
 */

export const API_PREFIX = '/api/v1';

export const Role = z.enum(['examiner', 'grader', 'chief']);
export type Role = z.infer<typeof Role>;

export const HealthResponse = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
  time: z.iso.datetime(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const Username = z.string().trim().min(1).max(64);
export const Password = z.string().min(1).max(256);

export const LoginRequest = z.strictObject({
  username: Username,
  password: Password,
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ExaminerProfile = z.object({
  id: z.string().min(1).max(64),
  displayName: z.string().min(1).max(128),
  roles: z.array(Role).min(1),
});
export type ExaminerProfile = z.infer<typeof ExaminerProfile>;

export const LoginResponse = z.object({
  token: z.string().min(16).max(512),
  expiresAt: z.iso.datetime(),
  examiner: ExaminerProfile,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const PlatformErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'invalid_credentials',
  /** Too many failed sign-ins for the name or from the address: 429 with Retry-After. */
  'too_many_attempts',
  'forbidden',
  'not_found',
  'payload_too_large',
  'internal',
]);
export type PlatformErrorCode = z.infer<typeof PlatformErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
