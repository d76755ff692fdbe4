#!/usr/bin/env lua5.4
--- Generates csrc/unicode_data.h and csrc/unicode_data.c from the Unicode
-- Character Database shipped in Debian's `unicode-data` package.
--
-- Usage: lua5.4 tools/gen_unicode.lua [UCD_DIR [OUT_DIR]]
--   UCD_DIR defaults to /usr/share/unicode, OUT_DIR to csrc.
--
-- The output is deterministic: rerunning it on the same UCD gives the same
-- bytes (`make gen-check` verifies this). Tables are two-stage lookups of
-- `static const` data:
--   * props: Word_Break, Sentence_Break, General_Category,
--     Extended_Pictographic and White_Space packed in 16 bits;
--   * fold: per code point, its full case folding ("lower") and its matching
--     form ("norm": case fold, accents removed from Latin, Greek and Cyrillic
--     letters, quotes, apostrophes and dashes unified), as UTF-8 strings in a
--     byte pool;
--   * range lists for Quotation_Mark and Emoji_Presentation, which are only
--     consulted off the hot path.

local ucd = arg[1] or "/usr/share/unicode"
local outdir = arg[2] or "csrc"

local MAXCP = 0x110000

---------------------------------------------------------------- reading UCD

local function open_ucd(name)
  local f, err = io.open(ucd .. "/" .. name, "r")
  if not f then error("cannot read UCD file: " .. err, 0) end
  return f
end

-- Calls fn(first, last, fields) for every data line of a UCD property file
-- ("0041..005A ; ALetter # ..."); fields are the trimmed ';'-separated parts
-- after the code point column.
local function each_range(name, fn)
  local f = open_ucd(name)
  for line in f:lines() do
    local data = line:gsub("#.*$", "")
    if data:match("%S") then
      local cols = {}
      for col in (data .. ";"):gmatch("([^;]*);") do
        cols[#cols + 1] = col:match("^%s*(.-)%s*$")
      end
      local a, b = cols[1]:match("^(%x+)%.%.(%x+)$")
      if not a then a = cols[1]; b = a end
      table.remove(cols, 1)
      fn(tonumber(a, 16), tonumber(b, 16), cols)
    end
  end
  f:close()
end

local function version_of(name)
  local f = open_ucd(name)
  local first = f:read("l")
  f:close()
  local v = first and first:match("%-(%d+%.%d+%.%d+)%.txt")
  if not v then error("no version in the first line of " .. name, 0) end
  return v
end

local unicode_version = version_of("auxiliary/WordBreakProperty.txt")
for _, name in ipairs{ "auxiliary/SentenceBreakProperty.txt", "CaseFolding.txt",
                       "PropList.txt", "Scripts.txt" } do
  if version_of(name) ~= unicode_version then
    error(name .. " is not from Unicode " .. unicode_version, 0)
  end
end

---------------------------------------------------------------- enumerations

-- The order of each list is the numbering used in C; keep "Other" first.
local WB_NAMES = { "Other", "CR", "LF", "Newline", "Extend", "ZWJ",
  "Regional_Indicator", "Format", "Katakana", "Hebrew_Letter", "ALetter",
  "Single_Quote", "Double_Quote", "MidNumLet", "MidLetter", "MidNum",
  "Numeric", "ExtendNumLet", "WSegSpace" }
local SB_NAMES = { "Other", "CR", "LF", "Extend", "Sep", "Format", "Sp",
  "Lower", "Upper", "OLetter", "Numeric", "ATerm", "SContinue", "STerm",
  "Close" }
local GC_NAMES = { "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me",
  "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc",
  "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co" }

local function index_of(list)
  local t = {}
  for i, name in ipairs(list) do t[name] = i - 1 end
  return t
end
local WB, SB, GC = index_of(WB_NAMES), index_of(SB_NAMES), index_of(GC_NAMES)

---------------------------------------------------------------- properties

local wb, sb, gc, extpict, white = {}, {}, {}, {}, {}
local quote_mark, emoji_pres, script = {}, {}, {}
local decomp, casefold = {}, {}

each_range("auxiliary/WordBreakProperty.txt", function(a, b, c)
  local v = WB[c[1]] or error("unknown Word_Break value " .. c[1], 0)
  for cp = a, b do wb[cp] = v end
end)
each_range("auxiliary/SentenceBreakProperty.txt", function(a, b, c)
  local v = SB[c[1]] or error("unknown Sentence_Break value " .. c[1], 0)
  for cp = a, b do sb[cp] = v end
end)
each_range("emoji/emoji-data.txt", function(a, b, c)
  local t = (c[1] == "Extended_Pictographic" and extpict)
         or (c[1] == "Emoji_Presentation" and emoji_pres)
  if t then for cp = a, b do t[cp] = true end end
end)
each_range("PropList.txt", function(a, b, c)
  local t = (c[1] == "White_Space" and white) or (c[1] == "Quotation_Mark" and quote_mark)
  if t then for cp = a, b do t[cp] = true end end
end)
each_range("Scripts.txt", function(a, b, c)
  for cp = a, b do script[cp] = c[1] end
end)
each_range("CaseFolding.txt", function(a, _, c)
  if c[1] == "C" or c[1] == "F" then
    local seq = {}
    for h in c[2]:gmatch("%x+") do seq[#seq + 1] = tonumber(h, 16) end
    casefold[a] = seq
  end
end)

do -- UnicodeData.txt: general category and canonical decompositions
  local f = open_ucd("UnicodeData.txt")
  local range_first
  for line in f:lines() do
    local fields = {}
    for x in (line .. ";"):gmatch("([^;]*);") do fields[#fields + 1] = x end
    local cp, name, cat, dec = tonumber(fields[1], 16), fields[2], fields[3], fields[6]
    local v = GC[cat] or error("unknown General_Category " .. cat, 0)
    if name:match(", First>$") then
      range_first = cp
    elseif name:match(", Last>$") then
      for c = range_first, cp do gc[c] = v end
    else
      gc[cp] = v
      if dec ~= "" and not dec:match("^<") then
        local seq = {}
        for h in dec:gmatch("%x+") do seq[#seq + 1] = tonumber(h, 16) end
        decomp[cp] = seq
      end
    end
  end
  f:close()
end

---------------------------------------------------------------- folding

local function utf8_of(seq)
  local parts = {}
  for i, cp in ipairs(seq) do parts[i] = utf8.char(cp) end
  return table.concat(parts)
end

local function full_decomposition(cp, out)
  local d = decomp[cp]
  if d then
    for _, x in ipairs(d) do full_decomposition(x, out) end
  else
    out[#out + 1] = cp
  end
  return out
end

local function is_mark(cp)
  local g = gc[cp]
  return g == GC.Mn or g == GC.Mc or g == GC.Me
end

-- Combining marks that matching ignores wherever they stand: the generic
-- diacritic blocks, used with Latin, Greek and Cyrillic letters.
local DIACRITIC_BLOCKS = { {0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
                           {0x20D0, 0x20FF}, {0xFE20, 0xFE2F} }
local function is_diacritic(cp)
  for _, r in ipairs(DIACRITIC_BLOCKS) do
    if cp >= r[1] and cp <= r[2] then return true end
  end
  return false
end

-- Letters with a stroke or bar have no canonical decomposition, but readers
-- treat them as accented forms of their base letter ("Łódź" ~ "Lodz").
local STROKE_BASE = {
  [0x0141] = 0x4C, [0x0142] = 0x6C, [0x00D8] = 0x4F, [0x00F8] = 0x6F,
  [0x0110] = 0x44, [0x0111] = 0x64, [0x0126] = 0x48, [0x0127] = 0x68,
  [0x0166] = 0x54, [0x0167] = 0x74, [0x0131] = 0x69, [0x0180] = 0x62,
  [0x01B5] = 0x5A, [0x01B6] = 0x7A, [0x01E4] = 0x47, [0x01E5] = 0x67,
  [0x0197] = 0x49, [0x0268] = 0x69, [0x023B] = 0x43, [0x023C] = 0x63,
  [0x0246] = 0x45, [0x0247] = 0x65, [0x024C] = 0x52, [0x024D] = 0x72,
}

-- Quotation marks, apostrophes and dashes that matching treats as one.
local UNIFY = {}
for _, cp in ipairs{ 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035, 0x2039,
                     0x203A, 0x02BC, 0x0060, 0x00B4 } do UNIFY[cp] = "'" end
for _, cp in ipairs{ 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2033,
                     0x2036, 0x2E42, 0x301D, 0x301E, 0x301F } do UNIFY[cp] = '"' end
for _, cp in ipairs{ 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212,
                     0xFE58, 0xFE63, 0x2E3A, 0x2E3B } do UNIFY[cp] = "-" end
UNIFY[0x2026] = "..."   -- horizontal ellipsis
UNIFY[0x00AD] = ""      -- soft hyphen: invisible, never part of a name
for cp = 0xFF01, 0xFF5E do UNIFY[cp] = string.char(cp - 0xFF01 + 0x21) end

local ACCENT_SCRIPTS = { Latin = true, Greek = true, Cyrillic = true }

-- The matching form of one code point that is already case folded.
local function accent_fold(cp)
  if UNIFY[cp] then return UNIFY[cp] end
  if is_diacritic(cp) then return "" end
  if STROKE_BASE[cp] then return utf8.char(STROKE_BASE[cp]) end
  if decomp[cp] and ACCENT_SCRIPTS[script[cp]] then
    local base = {}
    for _, x in ipairs(full_decomposition(cp, {})) do
      if not is_mark(x) then base[#base + 1] = x end
    end
    if #base > 0 then return utf8_of(base) end
  end
  return utf8.char(cp)
end

local function unify(cp)
  return UNIFY[cp] or utf8.char(cp)
end

-- The forms, in the order of GL_FORM_* in C: full case folding; the
-- matching form (case fold, then accent fold and unify); case fold and
-- unify; accent fold and unify without case folding; unify only.
local FORM_NAMES = { "LOWER", "NORM", "CASE", "ACCENT", "UNIFY" }
local function forms_of(cp)
  local folded = casefold[cp] or { cp }
  local norm, case = {}, {}
  for i, x in ipairs(folded) do
    norm[i] = accent_fold(x)
    case[i] = unify(x)
  end
  return { utf8_of(folded), table.concat(norm), table.concat(case), accent_fold(cp), unify(cp) }
end

---------------------------------------------------------------- table building

local IDENTITY = 0xFF -- length marker: the code point maps to itself

-- Chooses the block size that makes the two-stage table smallest.
local function two_stage(values, width2)
  local best
  for shift = 5, 9 do
    local size = 1 << shift
    local blocks, block_index, stage1 = {}, {}, {}
    for b = 0, MAXCP // size - 1 do
      local vals = {}
      for i = 0, size - 1 do vals[i + 1] = values[b * size + i] end
      local key = table.concat(vals, ",")
      local idx = block_index[key]
      if not idx then
        blocks[#blocks + 1] = vals
        idx = #blocks - 1
        block_index[key] = idx
      end
      stage1[b + 1] = idx
    end
    local w1 = #blocks <= 256 and 1 or 2
    local bytes = #stage1 * w1 + #blocks * size * width2
    if not best or bytes < best.bytes then
      best = { shift = shift, stage1 = stage1, blocks = blocks, bytes = bytes,
               w1 = w1 }
    end
  end
  return best
end

local props = {}
for cp = 0, MAXCP - 1 do
  local p = (wb[cp] or 0) | ((sb[cp] or 0) << 5) | ((gc[cp] or GC.Cn) << 9)
  if extpict[cp] then p = p | (1 << 14) end
  if white[cp] then p = p | (1 << 15) end
  props[cp] = p
end

-- Fold entries: index 0 is the identity for both forms.
local pool, pool_index = {}, {}
local pool_size = 0
local function pool_ref(s, cp)
  if s == utf8.char(cp) then return 0, IDENTITY end
  local off = pool_index[s]
  if not off then
    off = pool_size
    pool[#pool + 1] = s
    pool_index[s] = off
    pool_size = pool_size + #s
  end
  return off, #s
end

local max_expansion = 1   -- bytes out per byte in, over all code points
local identity_entry = {}
for i = 1, #FORM_NAMES do identity_entry[2 * i - 1], identity_entry[2 * i] = 0, IDENTITY end
local fold_entries = { identity_entry }
local fold_key_index = { [table.concat(identity_entry, ",")] = 0 }
local fold = {}
for cp = 0, MAXCP - 1 do
  local g = gc[cp]
  local k = 0
  if g and g ~= GC.Cs and g ~= GC.Cn then
    local width, entry = #utf8.char(cp), {}
    for i, form in ipairs(forms_of(cp)) do
      max_expansion = math.max(max_expansion, -(-#form // width))
      entry[2 * i - 1], entry[2 * i] = pool_ref(form, cp)
    end
    local key = table.concat(entry, ",")
    k = fold_key_index[key]
    if not k then
      fold_entries[#fold_entries + 1] = entry
      k = #fold_entries - 1
      fold_key_index[key] = k
    end
  end
  fold[cp] = k
end
assert(pool_size < 65536, "fold pool too large for 16-bit offsets")
assert(#fold_entries < 65536, "too many fold entries")

local function ranges_of(set)
  local out, cp = {}, 0
  while cp < MAXCP do
    if set[cp] then
      local first = cp
      while set[cp + 1] do cp = cp + 1 end
      out[#out + 1] = { first, cp }
    end
    cp = cp + 1
  end
  return out
end

-- Byte classes for the tokeniser's ASCII fast paths. Bytes 0x80-0xFF only
-- carry SBSTOP, so that every fast path hands non-ASCII to the full rules.
local A = { UPPER = 0x01, LOWER = 0x02, DIGIT = 0x04, SPACE = 0x08, BREAK = 0x10,
            PUNCT = 0x20, SYMBOL = 0x40, QUOTE = 0x80, BRACKET = 0x100,
            JOINER = 0x200, SBSTOP = 0x400 }
local ascii = {}
for b = 0, 255 do
  local v = 0
  if b >= 0x80 then
    v = A.SBSTOP
  else
    local g, w, sbv = gc[b], wb[b] or 0, sb[b] or 0
    if g == GC.Lu then v = v | A.UPPER end
    if g == GC.Ll then v = v | A.LOWER end
    if g == GC.Nd then v = v | A.DIGIT end
    if white[b] then v = v | A.SPACE end
    if w == WB.CR or w == WB.LF or w == WB.Newline then v = v | A.BREAK end
    if g >= GC.Pc and g <= GC.Po then v = v | A.PUNCT end
    if g >= GC.Sm and g <= GC.So then v = v | A.SYMBOL end
    if quote_mark[b] then v = v | A.QUOTE
    elseif g == GC.Ps or g == GC.Pe then v = v | A.BRACKET end
    if w == WB.MidLetter or w == WB.MidNum or w == WB.MidNumLet or
       w == WB.Single_Quote or w == WB.ExtendNumLet then v = v | A.JOINER end
    if sbv == SB.ATerm or sbv == SB.STerm or sbv == SB.CR or sbv == SB.LF or
       sbv == SB.Sep then v = v | A.SBSTOP end
  end
  ascii[b + 1] = v
end

---------------------------------------------------------------- output

local BANNER = ("/* Generated from Unicode %s by tools/gen_unicode.lua; do not edit. */\n")
  :format(unicode_version)

local function emit_array(out, ctype, name, values, per_line, fmt)
  out[#out + 1] = ("const %s %s[%d] = {\n"):format(ctype, name, #values)
  for i = 1, #values, per_line do
    local row = {}
    for j = i, math.min(i + per_line - 1, #values) do row[#row + 1] = (fmt):format(values[j]) end
    out[#out + 1] = "  " .. table.concat(row, ",") .. (i + per_line <= #values and ",\n" or "\n")
  end
  out[#out + 1] = "};\n\n"
end

local function flatten(blocks)
  local flat = {}
  for _, b in ipairs(blocks) do for _, v in ipairs(b) do flat[#flat + 1] = v end end
  return flat
end

local ptab = two_stage(props, 2)
local ftab = two_stage(fold, 2)
local quote_ranges, emoji_ranges = ranges_of(quote_mark), ranges_of(emoji_pres)

local function enum_block(prefix, names)
  local lines = {}
  for i, n in ipairs(names) do
    lines[#lines + 1] = ("  %s%s = %d"):format(prefix, n:upper(), i - 1)
  end
  return "enum {\n" .. table.concat(lines, ",\n") .. "\n};\n"
end

local h = {}
h[#h + 1] = BANNER
h[#h + 1] = [[
/*
** Unicode property and folding tables for glean (see unicode_data.c).
** Plain C: no Lua headers, usable from fuzzers and tests.
*/
#ifndef GL_UNICODE_DATA_H
#define GL_UNICODE_DATA_H

#include <stdint.h>
#include "gltypes.h"

]]
h[#h + 1] = ('#define GL_UNICODE_VERSION "%s"\n\n'):format(unicode_version)
h[#h + 1] = "/* Word_Break values (UAX #29) */\n" .. enum_block("GL_WB_", WB_NAMES) .. "\n"
h[#h + 1] = "/* Sentence_Break values (UAX #29) */\n" .. enum_block("GL_SB_", SB_NAMES) .. "\n"
h[#h + 1] = "/* General_Category values */\n" .. enum_block("GL_GC_", GC_NAMES) .. "\n"
h[#h + 1] = ([[
/* Classes of a byte (gl_ascii_class); bytes >= 0x80 have GL_A_SBSTOP only. */
#define GL_A_UPPER    0x001u   /* Lu */
#define GL_A_LOWER    0x002u   /* Ll */
#define GL_A_DIGIT    0x004u   /* Nd */
#define GL_A_SPACE    0x008u   /* White_Space */
#define GL_A_BREAK    0x010u   /* a line break (CR, LF, VT, FF) */
#define GL_A_PUNCT    0x020u   /* P* */
#define GL_A_SYMBOL   0x040u   /* S* */
#define GL_A_QUOTE    0x080u   /* Quotation_Mark */
#define GL_A_BRACKET  0x100u   /* Ps or Pe, not a quotation mark */
#define GL_A_JOINER   0x200u   /* may join letters or digits (WB6-WB13a) */
#define GL_A_SBSTOP   0x400u   /* may end a sentence (SB4, SB11) */
#define GL_A_ALNUM    (GL_A_UPPER | GL_A_LOWER | GL_A_DIGIT)

/* A code point's properties packed in 16 bits. */
#define GL_P_WB(p)        ((p) & 0x1Fu)
#define GL_P_SB(p)        (((p) >> 5) & 0x0Fu)
#define GL_P_GC(p)        (((p) >> 9) & 0x1Fu)
#define GL_P_EXTPICT      0x4000u
#define GL_P_WHITE        0x8000u

#define GL_PROPS_SHIFT    %d
#define GL_FOLD_SHIFT     %d
#define GL_FOLD_IDENTITY  0xFFu   /* fold length: maps to itself */
#define GL_FOLD_MAX_EXPANSION %d  /* folded bytes per input byte, at most */

/* Folded forms (see normalize.h). */
enum { %s, GL_FORM_COUNT };

typedef struct gl_FoldEntry {
  uint16_t off[GL_FORM_COUNT];    /* offsets into gl_fold_pool */
  uint8_t len[GL_FORM_COUNT];     /* byte lengths, or GL_FOLD_IDENTITY */
} gl_FoldEntry;

GL_DATA const char gl_unicode_version[];
GL_DATA const uint16_t gl_ascii_class[256];
GL_DATA const %s gl_props_stage1[%d];
GL_DATA const uint16_t gl_props_stage2[%d];
GL_DATA const %s gl_fold_stage1[%d];
GL_DATA const uint16_t gl_fold_stage2[%d];
GL_DATA const gl_FoldEntry gl_fold_entries[%d];
GL_DATA const unsigned char gl_fold_pool[%d];
GL_DATA const uint32_t gl_quote_ranges[%d][2];
GL_DATA const uint32_t gl_emoji_presentation_ranges[%d][2];

/* Properties of a code point (cp < 0x110000). */
static inline unsigned gl_props (uint32_t cp) {
  unsigned block = gl_props_stage1[cp >> GL_PROPS_SHIFT];
  return gl_props_stage2[(block << GL_PROPS_SHIFT) |
                         (cp & ((1u << GL_PROPS_SHIFT) - 1))];
}

/* Fold entry of a code point (cp < 0x110000); NULL when it folds to itself. */
static inline const gl_FoldEntry *gl_fold_entry (uint32_t cp) {
  unsigned block = gl_fold_stage1[cp >> GL_FOLD_SHIFT];
  unsigned k = gl_fold_stage2[(block << GL_FOLD_SHIFT) |
                              (cp & ((1u << GL_FOLD_SHIFT) - 1))];
  return k ? &gl_fold_entries[k] : NULL;
}

#endif
]]):format(ptab.shift, ftab.shift, max_expansion,
           (function()
             local names = {}
             for i, n in ipairs(FORM_NAMES) do names[i] = "GL_FORM_" .. n end
             return table.concat(names, ", ")
           end)(),
           ptab.w1 == 1 and "uint8_t" or "uint16_t", #ptab.stage1,
           #ptab.blocks << ptab.shift,
           ftab.w1 == 1 and "uint8_t" or "uint16_t", #ftab.stage1,
           #ftab.blocks << ftab.shift,
           #fold_entries, pool_size, #quote_ranges, #emoji_ranges)

local c = {}
c[#c + 1] = BANNER
c[#c + 1] = [[
/*
** Two-stage tables: stage1[cp >> SHIFT] is a block number, and
** stage2[(block << SHIFT) | (cp & mask)] the value. Identical blocks are
** stored once.
*/
#include "unicode_data.h"

]]
c[#c + 1] = ('const char gl_unicode_version[] = "%s";\n\n'):format(unicode_version)
emit_array(c, "uint16_t", "gl_ascii_class", ascii, 12, "0x%03x")
emit_array(c, ptab.w1 == 1 and "uint8_t" or "uint16_t", "gl_props_stage1", ptab.stage1, 16, "%d")
emit_array(c, "uint16_t", "gl_props_stage2", flatten(ptab.blocks), 12, "0x%04x")
emit_array(c, ftab.w1 == 1 and "uint8_t" or "uint16_t", "gl_fold_stage1", ftab.stage1, 16, "%d")
emit_array(c, "uint16_t", "gl_fold_stage2", flatten(ftab.blocks), 12, "%d")

c[#c + 1] = ("const gl_FoldEntry gl_fold_entries[%d] = {\n"):format(#fold_entries)
for i, e in ipairs(fold_entries) do
  local offs, lens = {}, {}
  for f = 1, #FORM_NAMES do offs[f], lens[f] = e[2 * f - 1], e[2 * f] end
  c[#c + 1] = ("  {{%s},{%s}}%s\n"):format(table.concat(offs, ","), table.concat(lens, ","),
                                         i < #fold_entries and "," or "")
end
c[#c + 1] = "};\n\n"

local bytes = {}
for _, s in ipairs(pool) do for i = 1, #s do bytes[#bytes + 1] = s:byte(i) end end
emit_array(c, "unsigned char", "gl_fold_pool", bytes, 16, "%d")

local function emit_ranges(name, ranges)
  c[#c + 1] = ("const uint32_t %s[%d][2] = {\n"):format(name, #ranges)
  for i, r in ipairs(ranges) do
    c[#c + 1] = ("  {0x%04X,0x%04X}%s\n"):format(r[1], r[2], i < #ranges and "," or "")
  end
  c[#c + 1] = "};\n"
end
emit_ranges("gl_quote_ranges", quote_ranges)
c[#c + 1] = "\n"
emit_ranges("gl_emoji_presentation_ranges", emoji_ranges)

local function write(name, parts)
  local path = outdir .. "/" .. name
  local f = assert(io.open(path, "w"))
  f:write(table.concat(parts))
  f:close()
end
write("unicode_data.h", h)
write("unicode_data.c", c)
io.stderr:write(("gen_unicode: Unicode %s, props %d bytes (shift %d), fold %d bytes "
  .. "(shift %d), %d fold entries, pool %d bytes\n")
  :format(unicode_version, ptab.bytes, ptab.shift, ftab.bytes, ftab.shift,
          #fold_entries, pool_size))
