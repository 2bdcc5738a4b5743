import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { load as parseYaml } from 'js-yaml';
import type { OpenAPI } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../../platform/openapi-schemas';

/**
 * platform/openapi.yaml as a vendor would try it: a standard OpenAPI 3.1 validator
 * (@apidevtools/swagger-parser: the specification's JSON schema, then every $ref resolved)
 * accepts it, and refuses the same document with one of the faults a vendor could meet.
 */
const document = () => parseYaml(readFileSync(OPENAPI_FILE, 'utf8')) as OpenAPI.Document & Record<string, unknown>;

describe('the platform’s OpenAPI document, through a standard validator', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validated = await SwaggerParser.validate(document());
    expect((validated as { openapi?: string }).openapi).toBe('3.1.0');
  });

  it('would be refused with a license that names no identifier or URL, or a reference that leads nowhere', async () => {
    const unlicensed = document();
    (unlicensed.info as { license: Record<string, unknown> }).license = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary', url: 'https://example.invalid/' };
    await expect(SwaggerParser.validate(unlicensed)).rejects.toThrow();
    const dangling = document();
    const components = (dangling as unknown as { components: { schemas: Record<string, unknown> } }).components;
    const [first, ...rest] = Object.entries(components.schemas);
    if (first === undefined) throw new Error('the document has no schemas');
    // The first schema gone, every reference to it leads nowhere.
    components.schemas = Object.fromEntries(rest);
    await expect(SwaggerParser.validate(dangling)).rejects.toThrow();
  });
});
