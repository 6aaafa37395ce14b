#!/usr/bin/env python3
"""Generates the EUC-KR tables of src/api/euc_kr_table.rs and the test fixture
tests/fixtures/euc-kr/index.bin from Python's `cp949` codec.

WHATWG's EUC-KR (https://encoding.spec.whatwg.org/#euc-kr) is Windows-949 (UHC): index-euc-kr
maps a pointer (lead - 0x81) * 190 + (trail - 0x41), for leads 0x81..=0xFE and trails
0x41..=0xFE, to a code point. Python's `cp949` gives the same table; this script checks it
against WHATWG's published identifier of index-euc-kr (the SHA-256 of the index's Python repr,
see whatwg/encoding tools-index.py) and stops if they differ.

The table is stored by its structure, not as 23,940 entries:
  * Hangul: the 11,172 syllables U+AC00..U+D7A3 appear once each. The 2,350 of KS X 1001
    (leads 0xB0..=0xC8, trails 0xA1..=0xFE) are in code point order, and so are the 8,822 of
    the UHC extension (leads 0x81..=0xC6, trails 0x41..=0x5A, 0x61..=0x7A, 0x81..=0xFE below
    lead 0xA1 and 0x81..=0xA0 from it). One bit per syllable says which of the two it is in.
  * Symbols (leads 0xA1..=0xAC) and Hanja (leads 0xCA..=0xFD), trails 0xA1..=0xFE: each cell
    as the difference from the cell before it, a bit length (Huffman-coded, one code per area)
    and the bits below the top one. Most symbols follow the one before them; the 4,888 Hanja
    are ordered by reading, and within a reading mostly by code point (463 increasing runs of
    the CJK Unified Ideographs, into which the 268 CJK Compatibility Ideographs are sprinkled in
    their own code point order, with a class of their own). The decoder expands each area
    once, the first time it reads one of its cells. The Hanja stream (7.3 KB, against 9.8 KB
    of u16) is within about 2 % of what independent increasing runs of that size must take
    (the sum over runs of log2 C(20902, k), plus the run lengths and the compatibility cells).

Run: python3 scripts/gen-euc-kr.py (rewrites both files; commit them).
"""
import hashlib
import heapq
import os
import struct
from collections import Counter

WHATWG_INDEX_EUC_KR_ID = "1d97134cbf187263585bc8f593ca4196654ed4c7a673f5672eaad4f5d9fdc4ba"
POINTERS = 126 * 190
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# The longest Huffman code the decoder reads.
MAX_CODE = 15
# (leads, base, modulus, alt) of each area of AREAS, in pointer order (see tokenize).
AREAS = [
    # Symbols: any code point of the BMP; no second sequence.
    (range(0xA1, 0xAD), 0x0000, 0x10000, 0xFFFF),
    # Hanja: the CJK Unified Ideographs U+4E00..U+9FA5, and the 268 CJK Compatibility
    # Ideographs U+F900..U+FA0B, which KS X 1001 reaches in their own order.
    (range(0xCA, 0xFE), 0x4E00, 0x9FA6 - 0x4E00, 0xF8FF),
]


def pointer(lead, trail):
    return (lead - 0x81) * 190 + (trail - 0x41)


def build_index():
    index = []
    for p in range(POINTERS):
        b = bytes([p // 190 + 0x81, p % 190 + 0x41])
        try:
            s = b.decode("cp949")
        except UnicodeDecodeError:
            index.append(None)
            continue
        assert len(s) == 1, (b, s)
        index.append(ord(s))
    return index


def ext_trails(lead):
    top = 0xFF if lead < 0xA1 else 0xA1
    return list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + list(range(0x81, top))


def main():
    index = build_index()
    digest = hashlib.sha256(str(index).encode("ascii")).hexdigest()
    if digest != WHATWG_INDEX_EUC_KR_ID:
        raise SystemExit(f"cp949 differs from WHATWG index-euc-kr: {digest}")

    # Hangul.
    ks = [index[pointer(l, t)] for l in range(0xB0, 0xC9) for t in range(0xA1, 0xFF)]
    ext = []
    for lead in range(0x81, 0xC7):
        for t in ext_trails(lead):
            cp = index[pointer(lead, t)]
            if cp is not None:
                assert 0xAC00 <= cp <= 0xD7A3
                ext.append(cp)
    assert ks == sorted(ks) and ext == sorted(ext) and len(ks) + len(ext) == 11172
    assert set(ks) | set(ext) == set(range(0xAC00, 0xD7A4))
    # The extension fills its positions in order, without holes, up to its last syllable.
    order = [(l, t) for l in range(0x81, 0xC7) for t in ext_trails(l)]
    assert all(index[pointer(l, t)] is not None for l, t in order[: len(ext)])
    assert all(index[pointer(l, t)] is None for l, t in order[len(ext):])
    bitmap = bytearray((11172 + 7) // 8)
    for cp in ks:
        i = cp - 0xAC00
        bitmap[i >> 3] |= 1 << (i & 7)

    # Symbols and Hanja: every other code point, all in leads 0xA1..=0xAC and 0xCA..=0xFD,
    # trails 0xA1..=0xFE.
    for p, cp in enumerate(index):
        if cp is None or (0xAC00 <= cp <= 0xD7A3):
            continue
        lead, trail = p // 190 + 0x81, p % 190 + 0x41
        assert (0xA1 <= lead <= 0xAC or 0xCA <= lead <= 0xFD) and trail >= 0xA1, (hex(lead), hex(trail))
        assert cp < 0x10000
    areas = []
    for leads, base, modulus, alt in AREAS:
        bits = []
        cells = [index[pointer(l, t)] for l in leads for t in range(0xA1, 0xFF)]
        tokens = tokenize(cells, base, modulus, alt)
        lengths = huffman_lengths(Counter(c for c, _, _ in tokens))
        codes = canonical_codes(lengths)
        for c, n, v in tokens:
            length, code = codes[c]
            put(bits, code, length)
            put(bits, v, n)
        areas.append((leads, base, modulus, alt, lengths, pack(bits)))
    # The decoder below is the Rust one's twin: each stream must give the index back.
    for leads, base, modulus, alt, lengths, stream in areas:
        cells = decode_area(stream, len(leads) * 94, base, modulus, alt, lengths)
        want = [index[pointer(l, t)] for l in leads for t in range(0xA1, 0xFF)]
        assert cells == [0 if c is None else c for c in want]

    out = []
    out.append("// @generated by scripts/gen-euc-kr.py from Python's cp949 codec, checked against")
    out.append(f"// WHATWG index-euc-kr (identifier {WHATWG_INDEX_EUC_KR_ID}). Do not edit.")
    out.append("")
    out.append("use super::Area;")
    out.append("")
    out.append("/// Bit `i` set: Hangul syllable U+AC00 + i is in KS X 1001 (leads 0xB0..=0xC8), else in")
    out.append("/// the UHC extension.")
    out.append(f"pub(super) static HANGUL_KS: [u8; {len(bitmap)}] = {fmt_bytes(bitmap)};")
    out.append("")
    out.append("/// The symbol rows (leads 0xA1..=0xAC) and the Hanja rows (leads 0xCA..=0xFD), 94 cells")
    out.append("/// each: a canonical Huffman code of each cell's class, then the class's extra bits.")
    out.append("pub(super) static AREAS: [Area; 2] = [")
    for leads, base, modulus, alt, lengths, stream in areas:
        counts = [0] * (MAX_CODE + 1)
        for l in lengths.values():
            counts[l] += 1
        classes = sorted(lengths, key=lambda c: (lengths[c], c))
        out.append("    Area {")
        out.append(f"        lead: 0x{leads[0]:02X},")
        out.append(f"        rows: {len(leads)},")
        out.append(f"        base: 0x{base:04X},")
        out.append(f"        modulus: 0x{modulus:X},")
        out.append(f"        alt: 0x{alt:04X},")
        out.append(f"        counts: {counts},")
        out.append(f"        classes: &{classes},")
        out.append(f"        bits: &{fmt_bytes(stream, 8)},")
        out.append("    },")
    out.append("];")
    out.append("")
    with open(os.path.join(ROOT, "src/api/euc_kr_table.rs"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))

    fixture = b"".join(struct.pack("<H", 0 if c is None else c) for c in index)
    os.makedirs(os.path.join(ROOT, "tests/fixtures/euc-kr"), exist_ok=True)
    with open(os.path.join(ROOT, "tests/fixtures/euc-kr/index.bin"), "wb") as f:
        f.write(fixture)
    print(f"hangul bitmap {len(bitmap)} B, symbols {len(areas[0][-1])} B, Hanja {len(areas[1][-1])} B")


def tokenize(cells, base, modulus, alt):
    """The cells as (class, extra bit count, extra bits). Class 0: no code point. Class 1: the
    code point after the last one of class 1 (`alt` before the first). Class 1 + n: offset + d,
    modulo `modulus`, where offset is the last cell's code point - `base` (0 before the first)
    and d (0 < d < 2^16) has n bits, the n - 1 below the top one given as the extra bits.
    Class 17 + n: offset - d, modulo `modulus`, when that d is shorter."""
    offset = 0
    tokens = []
    for cp in cells:
        if cp is None:
            tokens.append((0, 0, 0))
        elif cp == alt + 1:
            tokens.append((1, 0, 0))
            alt = cp
        else:
            assert 0 <= cp - base < modulus, hex(cp)
            d = (cp - base - offset) % modulus
            back = (offset - (cp - base)) % modulus
            cls = 1
            if back.bit_length() < d.bit_length():
                d, cls = back, 17
            assert 0 < d < min(modulus, 0x10000)
            n = d.bit_length()
            tokens.append((cls + n, n - 1, d - (1 << (n - 1))))
            offset = cp - base
    return tokens


def huffman_lengths(freq):
    """Huffman code lengths of the classes, by their frequencies."""
    heap = [(f, c, [c]) for c, f in sorted(freq.items())]
    heapq.heapify(heap)
    lengths = {c: 0 for c in freq}
    tie = 1000
    while len(heap) > 1:
        fa, _, a = heapq.heappop(heap)
        fb, _, b = heapq.heappop(heap)
        for c in a + b:
            lengths[c] += 1
        heapq.heappush(heap, (fa + fb, tie, a + b))
        tie += 1
    assert len(freq) > 1 and max(lengths.values()) <= MAX_CODE
    return lengths


def canonical_codes(lengths):
    """class -> (length, code), codes given in order of (length, class) as in DEFLATE."""
    codes = {}
    code = 0
    last = 0
    for c in sorted(lengths, key=lambda c: (lengths[c], c)):
        code <<= lengths[c] - last
        last = lengths[c]
        codes[c] = (last, code)
        code += 1
    return codes


def put(bits, value, n):
    bits.extend((value >> i) & 1 for i in range(n - 1, -1, -1))


def pack(bits):
    bits = bits + [0] * (-len(bits) % 8)
    return bytes(sum(b << (7 - i) for i, b in enumerate(bits[j : j + 8])) for j in range(0, len(bits), 8))


def decode_area(stream, count, base, modulus, alt, lengths):
    """Reads `count` cells, as the Rust decoder does: code points, 0 for none."""
    at = 0

    def bit():
        nonlocal at
        b = stream[at // 8] >> (7 - at % 8) & 1
        at += 1
        return b

    counts = [0] * (MAX_CODE + 1)
    for l in lengths.values():
        counts[l] += 1
    classes = sorted(lengths, key=lambda c: (lengths[c], c))
    cells = []
    offset = 0
    for _ in range(count):
        code = first = start = 0
        for length in range(1, MAX_CODE + 1):
            code |= bit()
            if code - first < counts[length]:
                c = classes[start + code - first]
                break
            start += counts[length]
            first = (first + counts[length]) << 1
            code <<= 1
        if c == 0:
            cells.append(0)
        elif c == 1:
            alt += 1
            cells.append(alt)
        else:
            d = 1
            for _ in range((c - 2) % 16):
                d = d << 1 | bit()
            offset = (offset + (d if c < 18 else -d)) % modulus
            cells.append(base + offset)
    return cells


def fmt_bytes(data, indent=0):
    lines = ["["]
    for i in range(0, len(data), 16):
        lines.append(" " * (indent + 4) + " ".join(f"0x{b:02X}," for b in data[i : i + 16]))
    lines.append(" " * indent + "]")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
