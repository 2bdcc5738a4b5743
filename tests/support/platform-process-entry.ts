import { startPlatform, type PlatformOptions } from '../../platform/server';

// Started by platform-process.ts: options as JSON in argv, the address as one JSON line on stdout.
const options = JSON.parse(process.argv[2] ?? '{}') as PlatformOptions;
const platform = await startPlatform(options);
process.stdout.write(`${JSON.stringify({ url: platform.url, port: platform.port, adminSecret: platform.adminSecret })}\n`);
process.on('SIGTERM', () => void platform.close().then(() => process.exit(0)));
