import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CANONICAL_DEPTH_MAX,
  CanonicalEncodingError,
  canonicalEncode,
  canonicalText,
  canonicalTextReference,
} from './canonical-encoding';
import { unsignedEnvelopeSchema } from './envelope';
import { exampleUnsignedChain } from './example-facts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** [1, <hole>, 3]: written out, because a literal with a hole reads like a typo. */
function sparseArray(): number[] {
  const items = new Array<number>(3);
  items[0] = 1;
  items[2] = 3;
  return items;
}

describe('canonicalText', () => {
  it('writes scalars the way JSON does, with integers only', () => {
    expect(canonicalText(null)).toBe('null');
    expect(canonicalText(true)).toBe('true');
    expect(canonicalText(false)).toBe('false');
    expect(canonicalText(0)).toBe('0');
    expect(canonicalText(-17)).toBe('-17');
    expect(canonicalText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(canonicalText(Number.MIN_SAFE_INTEGER)).toBe('-9007199254740991');
  });

  it('writes negative zero as 0, as RFC 8785 does', () => {
    expect(canonicalText(-0)).toBe('0');
    expect(canonicalText({ amountMinor: -0 })).toBe(canonicalText({ amountMinor: 0 }));
  });

  it.each([
    ['a fraction', 1.5],
    ['a tiny fraction', 0.1 + 0.2],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['2^53', 2 ** 53],
    ['-(2^53)', -(2 ** 53)],
    ['1e21', 1e21],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalText(value)).toThrow(CanonicalEncodingError);
    expect(() => canonicalText({ nested: [value] })).toThrow(CanonicalEncodingError);
  });

  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalText({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe('{"a":{"c":null,"d":[3,1,2]},"b":1}');
    expect(canonicalText({})).toBe('{}');
    expect(canonicalText([])).toBe('[]');
  });

  it('sorts keys by UTF-16 code units, not numerically nor by locale', () => {
    // Integer-like keys are the trap: JavaScript enumerates them first, in numeric order.
    expect(canonicalText({ b: 1, a: 2, aa: 3, B: 4, _: 5, '10': 6, '9': 7, '': 8 })).toBe(
      '{"":8,"10":6,"9":7,"B":4,"_":5,"a":2,"aa":3,"b":1}',
    );
    expect(canonicalText({ é: 1, e: 2, f: 3, É: 4 })).toBe('{"e":2,"f":3,"É":4,"é":1}');
  });

  it('orders the RFC 8785 §3.2.3 example keys, where an emoji sorts before U+FB33', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalText(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('escapes strings as JSON.stringify does (RFC 8785 §3.2.2.2 example)', () => {
    expect(canonicalText('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/')).toBe(
      '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"',
    );
    expect(canonicalText('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"');
    expect(canonicalText('\u0000\u001f')).toBe('"\\u0000\\u001f"');
    // DEL, U+2028, U+2029 and the solidus are written as they are.
    expect(canonicalText('\u007f\u2028\u2029/')).toBe('"\u007f\u2028\u2029/"');
    expect(canonicalText({ 'a"b\\c\n': 1 })).toBe('{"a\\"b\\\\c\\n":1}');
  });

  it('refuses unpaired surrogates in values and keys, and accepts pairs', () => {
    expect(() => canonicalText('\ud800')).toThrow(CanonicalEncodingError);
    expect(() => canonicalText('a\udc00b')).toThrow(CanonicalEncodingError);
    expect(() => canonicalText('\ude00\ud83d')).toThrow(CanonicalEncodingError);
    expect(() => canonicalText({ '\ud800': 1 })).toThrow(CanonicalEncodingError);
    expect(canonicalText('\ud83d\ude00')).toBe('"😀"');
  });

  it.each([
    ['undefined', undefined],
    ['an undefined member', { a: 1, b: undefined }],
    ['an undefined item', [1, undefined]],
    ['a sparse array', sparseArray()],
    ['a function', () => 1],
    ['a symbol', Symbol('fact')],
    ['a bigint', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['bytes', new Uint8Array([1, 2])],
    ['a class instance', new (class Money {})()],
    ['an object with symbol keys', { [Symbol('hidden')]: 1, a: 1 }],
    ['a boxed string', Object('text')],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalText(value)).toThrow(CanonicalEncodingError);
  });

  it('says where the refused value is', () => {
    expect(() => canonicalText({ payload: { lines: [{ quantity: 1.5 }] } })).toThrow(
      /\$\.payload\.lines\[0\]\.quantity/,
    );
  });

  it('accepts objects without a prototype', () => {
    const value = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(canonicalText(value)).toBe('{"a":1,"b":2}');
  });

  it(`refuses nesting deeper than ${CANONICAL_DEPTH_MAX} levels, which also stops cycles`, () => {
    const nested = (depth: number): unknown => (depth === 0 ? 0 : [nested(depth - 1)]);
    expect(() => canonicalText(nested(CANONICAL_DEPTH_MAX))).not.toThrow();
    expect(() => canonicalText(nested(CANONICAL_DEPTH_MAX + 1))).toThrow(CanonicalEncodingError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalText(cyclic)).toThrow(CanonicalEncodingError);
  });
});

describe('canonicalEncode', () => {
  it('gives the UTF-8 bytes of the canonical text', () => {
    const bytes = canonicalEncode({ name: 'ñ😀', b: 1 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(hex(bytes)).toBe(hex(new TextEncoder().encode('{"b":1,"name":"ñ😀"}')));
    expect(hex(canonicalEncode('ñ'))).toBe('22c3b122');
    expect(hex(canonicalEncode('😀'))).toBe('22f09f988022');
  });
});

/** JSON values as facts hold them: safe integers only, well-formed strings, nested up to 4 levels. */
const factLikeValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]!).reverse();
  return Object.fromEntries(rotated.map(([key, item]) => [key, shuffleKeys(item, seed)]));
}

describe('canonical encoding properties', () => {
  it('is valid JSON that parses back to the same value', () => {
    fc.assert(
      fc.property(factLikeValue, (value) => {
        expect(JSON.parse(canonicalText(value))).toEqual(value);
      }),
    );
  });

  it('is a fixed point: encoding the parsed encoding changes nothing', () => {
    fc.assert(
      fc.property(factLikeValue, (value) => {
        const text = canonicalText(value);
        expect(canonicalText(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('does not depend on the order keys were inserted in', () => {
    fc.assert(
      fc.property(factLikeValue, fc.nat(10), (value, seed) => {
        expect(canonicalText(shuffleKeys(value, seed))).toBe(canonicalText(value));
      }),
    );
  });

  it('has no whitespace outside strings', () => {
    fc.assert(
      fc.property(factLikeValue, (value) => {
        const withoutStrings = canonicalText(value).replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(withoutStrings).not.toMatch(/\s/);
      }),
    );
  });
});

/** The text an encoder gives, or the message it refuses the value with. */
function outcome(encode: (value: unknown) => string, value: unknown): string {
  try {
    return `text ${encode(value)}`;
  } catch (error) {
    return `refused ${error instanceof CanonicalEncodingError ? error.message : String(error)}`;
  }
}

/** Keys a fact never has but a canonical encoder must still order: integer-like, prototype, unicode. */
const awkwardKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom('10', '9', '0', '01', '1a', '-1', '4294967295', '__proto__', 'toJSON', 'constructor'),
  fc.constantFrom('', 'é', 'É', 'e', '\u0080', '\ufb33', '😀', '\ud800'),
);

/** Values a fact never holds beside the ones it does, so both encoders refuse them the same way. */
const anyJsonLikeValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.constantFrom(-0, 1.5, 2 ** 53, Number.NaN, undefined),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('\ud83d\ude00', 'a\udc00b', 'ñ\n"\\\u0000\u2028'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(awkwardKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalText against the reference encoder', () => {
  it('gives the reference text for every example fact, as built, as parsed and reordered', () => {
    for (const fact of exampleUnsignedChain()) {
      const parsed = unsignedEnvelopeSchema.parse(JSON.parse(JSON.stringify(fact)));
      for (const value of [fact, parsed, shuffleKeys(parsed, 3), shuffleKeys(parsed, 7)]) {
        expect(canonicalText(value)).toBe(canonicalTextReference(value));
      }
    }
  });

  it('gives the reference text or the reference refusal for any JSON-like value, in any key order', () => {
    fc.assert(
      fc.property(anyJsonLikeValue, fc.nat(10), (value, seed) => {
        const reordered = shuffleKeys(value, seed);
        expect(outcome(canonicalText, value)).toBe(outcome(canonicalTextReference, value));
        expect(outcome(canonicalText, reordered)).toBe(outcome(canonicalTextReference, reordered));
      }),
      { numRuns: 500 },
    );
  });

  it('orders integer-like keys as the reference does', () => {
    const parsed = JSON.parse('{"b":[{"9":1,"10":2,"a":3}],"a":"ñ"}') as unknown;
    expect(canonicalText(parsed)).toBe('{"a":"ñ","b":[{"10":2,"9":1,"a":3}]}');
    expect(canonicalText(parsed)).toBe(canonicalTextReference(parsed));
  });

  it('keeps a __proto__ member, as the reference does', () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"x":1},"a":"ñ"}') as unknown;
    expect(canonicalText(parsed)).toBe('{"__proto__":{"x":1},"a":"ñ","b":1}');
    expect(canonicalText(parsed)).toBe(canonicalTextReference(parsed));
  });

  it('refuses what the reference refuses, with the same message', () => {
    for (const value of [{ a: [1, { b: 1.5 }] }, { a: sparseArray() }, { a: '\ud800' }, { a: undefined }]) {
      expect(outcome(canonicalText, value)).toMatch(/^refused /);
      expect(outcome(canonicalText, value)).toBe(outcome(canonicalTextReference, value));
    }
  });
});
