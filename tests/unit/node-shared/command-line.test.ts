import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCommandLine, shellQuote } from '../../../node-shared/media/command-line';

describe('formatCommandLine: the logged command, quoted for a POSIX shell', () => {
  it('quotes an empty argument, which would otherwise vanish when pasted into a shell', () => {
    expect(shellQuote('')).toBe("''");
    expect(formatCommandLine('/usr/bin/ffmpeg', ['-metadata', 'title=', '-metadata:s:v:0', ''])).toBe("/usr/bin/ffmpeg -metadata title= -metadata:s:v:0 ''");
  });

  it('leaves plain words alone and quotes spaces, quotes and shell syntax', () => {
    expect(formatCommandLine('ffprobe', ['-v', 'error', '-of', 'json', '/data/rec-1.mp4'])).toBe('ffprobe -v error -of json /data/rec-1.mp4');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("volume=0:enable='between(t,1,2)'")).toBe(`'volume=0:enable='\\''between(t,1,2)'\\'''`);
    expect(shellQuote('$HOME;rm -rf *')).toBe("'$HOME;rm -rf *'");
  });

  it('gives a shell back exactly the arguments it was given, the empty one included', () => {
    const args = ['', 'a b', "it's", '$HOME', '*', 'x\ny', "''", 'plain'];
    const echoed = execFileSync('/bin/sh', ['-c', `${formatCommandLine('printf', ['%s\\0', ...args])}`], { encoding: 'utf8' });
    expect(echoed.split('\0').slice(0, -1)).toEqual(args);
  });
});
