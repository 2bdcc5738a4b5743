import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, parseFlags, resolveConfig } from '../../main/config';

let dataDir: string;
let otherDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'examiner-config-'));
  otherDir = mkdtempSync(join(tmpdir(), 'examiner-config-other-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(otherDir, { recursive: true, force: true });
});

function writeConfig(dir: string, content: unknown): string {
  const path = join(dir, 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The error resolveConfig throws, asserted to be a ConfigError. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('resolveConfig', () => {
  it('uses the default data dir and no platform when nothing is configured (a missing config.json is fine)', () => {
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir })).toEqual({ platformUrl: null, dataDir, demo: false });
  });

  it('reads the platform URL from config.json in the data dir', () => {
    writeConfig(dataDir, { platformUrl: 'https://file.example/exam' });
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).platformUrl).toBe('https://file.example/exam');
  });

  it('accepts a config.json without a platform URL', () => {
    writeConfig(dataDir, {});
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).platformUrl).toBeNull();
  });

  describe('platform URL precedence: flag > environment > config.json', () => {
    const env = { EXAMINER_PLATFORM_URL: 'https://env.example' };
    beforeEach(() => writeConfig(dataDir, { platformUrl: 'https://file.example' }));

    it('the flag wins over the environment and the file', () => {
      const config = resolveConfig({ argv: ['--platform-url', 'https://flag.example'], env, defaultDataDir: dataDir });
      expect(config.platformUrl).toBe('https://flag.example');
    });

    it('the environment wins over the file', () => {
      expect(resolveConfig({ argv: [], env, defaultDataDir: dataDir }).platformUrl).toBe('https://env.example');
    });

    it('the file is used when neither is set', () => {
      expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).platformUrl).toBe('https://file.example');
    });

    it('an empty environment value does not hide the file', () => {
      expect(resolveConfig({ argv: [], env: { EXAMINER_PLATFORM_URL: '' }, defaultDataDir: dataDir }).platformUrl).toBe('https://file.example');
    });
  });

  describe('data dir precedence: flag > EXAMINER_DATA_DIR > the host default > XDG_DATA_HOME', () => {
    it('the flag wins, and config.json is read from that folder', () => {
      writeConfig(otherDir, { platformUrl: 'https://other.example' });
      writeConfig(dataDir, { platformUrl: 'https://data.example' });
      const config = resolveConfig({ argv: [`--data-dir=${otherDir}`], env: { EXAMINER_DATA_DIR: dataDir }, defaultDataDir: dataDir });
      expect(config.dataDir).toBe(otherDir);
      expect(config.platformUrl).toBe('https://other.example');
    });

    it('EXAMINER_DATA_DIR wins over the host default, and config.json is read from there', () => {
      writeConfig(otherDir, { platformUrl: 'https://other.example' });
      const config = resolveConfig({ argv: [], env: { EXAMINER_DATA_DIR: otherDir }, defaultDataDir: dataDir });
      expect(config.dataDir).toBe(otherDir);
      expect(config.platformUrl).toBe('https://other.example');
    });

    it('without a host default, the XDG data folder is used', () => {
      const config = resolveConfig({ argv: [], env: { XDG_DATA_HOME: dataDir } });
      expect(config.dataDir).toBe(join(dataDir, 'examiner-workstation'));
      expect(defaultDataDir({ XDG_DATA_HOME: dataDir })).toBe(join(dataDir, 'examiner-workstation'));
    });
  });

  it.each([
    ['https://p.example/', 'https://p.example'],
    ['https://p.example/exam///', 'https://p.example/exam'],
    ['http://127.0.0.1:4300/', 'http://127.0.0.1:4300'],
    ['https://p.example/exam', 'https://p.example/exam'],
  ])('strips trailing slashes: %s → %s', (raw, expected) => {
    expect(resolveConfig({ argv: ['--platform-url', raw], env: {}, defaultDataDir: dataDir }).platformUrl).toBe(expected);
    expect(resolveConfig({ argv: [], env: { EXAMINER_PLATFORM_URL: raw }, defaultDataDir: dataDir }).platformUrl).toBe(expected);
    writeConfig(dataDir, { platformUrl: raw });
    expect(resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }).platformUrl).toBe(expected);
  });

  describe.each(['ftp://files.example/exam', 'javascript:alert(1)', 'not a url', 'file:///etc/passwd', 'ws://p.example'])(
    'refuses the platform URL %j',
    (bad) => {
      it('from a flag, naming the value', () => {
        const error = configError(() => resolveConfig({ argv: [`--platform-url=${bad}`], env: {}, defaultDataDir: dataDir }));
        expect(error.message).toContain(JSON.stringify(bad));
        expect(error.message).toMatch(/http:\/\/ or https:\/\//);
      });

      it('from the environment, naming the value', () => {
        const error = configError(() => resolveConfig({ argv: [], env: { EXAMINER_PLATFORM_URL: bad }, defaultDataDir: dataDir }));
        expect(error.message).toContain(JSON.stringify(bad));
      });

      it('from config.json, naming the file and the key', () => {
        const path = writeConfig(dataDir, { platformUrl: bad });
        const error = configError(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }));
        expect(error.message).toContain(path);
        expect(error.message).toContain('platformUrl');
      });
    },
  );

  it.each([
    ['http://127.0.0.1:4300', 'http://127.0.0.1:4300'],
    ['http://127.5.6.7/exam/', 'http://127.5.6.7/exam'],
    ['http://[::1]:4300', 'http://[::1]:4300'],
    ['http://localhost:4300', 'http://localhost:4300'],
    ['http://LOCALHOST', 'http://LOCALHOST'],
    ['https://exam.example', 'https://exam.example'],
    ['https://10.0.0.5:8443', 'https://10.0.0.5:8443'],
  ])('accepts %s (https://, or http:// on a loopback host)', (raw, expected) => {
    expect(resolveConfig({ argv: ['--platform-url', raw], env: {}, defaultDataDir: dataDir }).platformUrl).toBe(expected);
  });

  describe.each([
    'http://exam.example',
    'http://10.0.0.5:4300',
    'http://192.168.1.20',
    'http://[::ffff:127.0.0.1]',
    'http://[fe80::1]',
    'http://0.0.0.0:4300',
    'http://128.0.0.1',
    'http://localhost.exam.example',
    'http://127.0.0.1.nip.io',
  ])('refuses the plain http:// platform URL %j off this machine', (insecure) => {
    const expectInsecure = (error: ConfigError) => {
      expect(error.code).toBe('insecure_platform_url');
      expect(error.message).toContain('考试平台地址必须以 https:// 开头');
      expect(error.message).toContain('the platform URL must use https://');
    };

    it('from a flag', () => {
      const error = configError(() => resolveConfig({ argv: ['--platform-url', insecure], env: {}, defaultDataDir: dataDir }));
      expectInsecure(error);
      expect(error.message).toContain(JSON.stringify(insecure));
    });

    it('from the environment', () => {
      expectInsecure(configError(() => resolveConfig({ argv: [], env: { EXAMINER_PLATFORM_URL: insecure }, defaultDataDir: dataDir })));
    });

    it('from config.json, naming the file', () => {
      const path = writeConfig(dataDir, { platformUrl: insecure });
      const error = configError(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }));
      expectInsecure(error);
      expect(error.message).toContain(path);
    });
  });

  it('gives a malformed URL the general code', () => {
    expect(configError(() => resolveConfig({ argv: ['--platform-url', 'not a url'], env: {}, defaultDataDir: dataDir })).code).toBe('invalid_config');
  });

  describe('refuses a malformed config.json, naming the file', () => {
    it.each([
      ['invalid JSON', '{ "platformUrl": "https://p.example", }', /not valid JSON/],
      ['an empty file', '', /not valid JSON/],
      ['an unknown key', { platformURL: 'https://p.example' }, /platformURL/],
      ['an unknown key next to a valid one', { platformUrl: 'https://p.example', port: 1 }, /port/],
      ['a URL that is not a string', { platformUrl: 42 }, /platformUrl/],
      ['an array', [], /\(file\)/],
      ['null', 'null', /\(file\)/],
    ])('%s', (_label, content, reason) => {
      const path = writeConfig(dataDir, content);
      const error = configError(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }));
      expect(error.message).toContain(path);
      expect(error.message).toMatch(reason);
    });

    it('a config.json that cannot be read', () => {
      mkdirSync(join(dataDir, 'config.json'));
      const error = configError(() => resolveConfig({ argv: [], env: {}, defaultDataDir: dataDir }));
      expect(error.message).toMatch(/^cannot read /);
      expect(error.message).toContain(join(dataDir, 'config.json'));
    });

    it('even when a flag overrides its platform URL', () => {
      writeConfig(dataDir, '{');
      expect(() => resolveConfig({ argv: ['--platform-url', 'https://flag.example'], env: {}, defaultDataDir: dataDir })).toThrow(ConfigError);
    });
  });

  it('refuses unknown flags', () => {
    expect(() => resolveConfig({ argv: ['--platform', 'https://p.example'], env: {}, defaultDataDir: dataDir })).toThrow(ConfigError);
  });

  it.each([
    ['1', true],
    ['0', false],
    ['true', false],
    ['', false],
  ])('EXAMINER_DEMO=%j makes demo %s', (value, demo) => {
    expect(resolveConfig({ argv: [], env: { EXAMINER_DEMO: value }, defaultDataDir: dataDir }).demo).toBe(demo);
  });

  it('reads process.env when no environment is given', () => {
    const saved = process.env.EXAMINER_DATA_DIR;
    process.env.EXAMINER_DATA_DIR = dataDir;
    try {
      expect(resolveConfig({ argv: [] }).dataDir).toBe(dataDir);
    } finally {
      if (saved === undefined) delete process.env.EXAMINER_DATA_DIR;
      else process.env.EXAMINER_DATA_DIR = saved;
    }
  });
});

describe('parseFlags', () => {
  it('returns nothing for no arguments', () => {
    expect(parseFlags([])).toEqual({});
  });

  it('takes --name=value and --name value alike', () => {
    expect(parseFlags(['--platform-url=https://a.example', '--data-dir', '/tmp/x', '--port=4300'])).toEqual({
      'platform-url': 'https://a.example',
      'data-dir': '/tmp/x',
      port: '4300',
    });
    expect(parseFlags(['--platform-url', 'https://a.example', '--data-dir=/tmp/x', '--port', '4300'])).toEqual({
      'platform-url': 'https://a.example',
      'data-dir': '/tmp/x',
      port: '4300',
    });
  });

  it('keeps everything after the first = as the value', () => {
    expect(parseFlags(['--platform-url=https://a.example/?a=b=c'])).toEqual({ 'platform-url': 'https://a.example/?a=b=c' });
  });

  it('lets a later flag override an earlier one', () => {
    expect(parseFlags(['--port', '1', '--port=2'])).toEqual({ port: '2' });
  });

  it.each([
    [['--verbose']],
    [['--verbose=1']],
    [['positional']],
    [['-p', '4300']],
    [['--PORT', '4300']],
    [['---port', '4300']],
    [['--', '--port', '4300']],
    [['--port', '4300', 'extra']],
  ])('refuses the unknown argument in %j, naming it', (argv) => {
    const error = configError(() => parseFlags(argv));
    expect(error.message).toMatch(/^unknown argument "/);
  });

  it('names the unknown argument', () => {
    expect(configError(() => parseFlags(['--port', '1', '--colour=red'])).message).toBe('unknown argument "--colour=red"');
  });

  it.each(['--platform-url', '--data-dir', '--port'])('refuses %s without a value', (flag) => {
    expect(configError(() => parseFlags([flag])).message).toBe(`${flag} needs a value`);
    expect(configError(() => parseFlags(['--port=1', flag])).message).toBe(`${flag} needs a value`);
  });
});

describe('ConfigError', () => {
  it('is an Error named ConfigError', () => {
    const error = new ConfigError('bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('bad');
  });
});
