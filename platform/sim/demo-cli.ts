import { startDemoSimulation } from './demo';

/**
 * The demo's simulation as a process of its own (scripts/start.ts starts it): a native crash in
 * WebRTC, or its encoding load, stays out of the workstation's process. The platform's address
 * and admin secret come in the environment (not the command line, which `ps` shows).
 *
 *   EXAMINER_DEMO_PLATFORM_URL=… EXAMINER_DEMO_ADMIN_SECRET=… node --import tsx platform/sim/demo-cli.ts
 */
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const platformUrl = process.env.EXAMINER_DEMO_PLATFORM_URL;
  const adminSecret = process.env.EXAMINER_DEMO_ADMIN_SECRET;
  if (!platformUrl || !adminSecret) throw new Error('EXAMINER_DEMO_PLATFORM_URL and EXAMINER_DEMO_ADMIN_SECRET are required');
  const simulation = await startDemoSimulation({ platformUrl, adminSecret, say });
  if (simulation.playable) {
    say(`Play the next candidate: main device ${simulation.playable.main} · side device ${simulation.playable.side} (add &camera=real before # for your own camera)`);
  }
  // wrtc's finalizers crash a Node process that ends by running out of work (node-webrtc/node-webrtc#636).
  const stop = () => {
    simulation.stop();
    setTimeout(() => process.exit(0), 200);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((error: unknown) => {
  say(`Demo simulation could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
