--- Dates and durations in news text: resolution against a reference date.
--
-- `resolve` turns the words of a date ("19 September", "last Friday",
-- "the end of this month") into a value in the style of TimeML's TIMEX3,
-- `duration` does the same for lengths of time ("five years"), and
-- `reference` reads an article's own date from its dateline.
--
-- Everything is computed with civil-date arithmetic in plain Lua
-- (proleptic Gregorian calendar): the system clock and time zone are
-- never consulted, so a result depends only on the text and the reference.
--
-- Values by grain:
--
-- - `"day"`: `"2025-09-19"` (`"XXXX-09-19"` when the year is unknown);
-- - `"week"`: ISO 8601 week, `"2025-W38"`; a weekend is `"2025-W38-WE"`;
-- - `"month"`: `"2025-09"` (`"XXXX-09"` when the year is unknown);
-- - `"quarter"`: `"2025-Q3"`;
-- - `"year"`: `"2025"`;
-- - `"decade"`: the first three digits of the year, `"199"` for the 1990s.
--
-- A result may also have `mod`, a part of that period: `"start"` ("early
-- September", "the beginning of next year", "early in the year"), `"mid"`
-- ("mid-2025", "the middle of the month"), `"end"` ("late last year",
-- "the end of this month"), `"earlier"` ("earlier this year": within the
-- period, before the reference date) and `"later"` ("later this month").
-- A part of a day ("this morning", "last night") is in `part`.
--
-- News has a past bias: a bare weekday ("Friday", "on Friday") is the most
-- recent such day on or before the reference date; "last Friday" is the
-- most recent one strictly before it, "next Friday" the first one after
-- it, "this Friday" the one in the reference date's ISO week. A day or
-- month without a year ("19 September", "in March") takes the year that
-- puts it nearest the reference date, the past winning a tie.
--
-- All-numeric dates: "2025-09-19" is ISO. With slashes or dots the year
-- comes last; "19/09/2025" is read day first, "09/19/2025" month first
-- (a part above 12 can only be a day); when both parts are 12 or less the
-- order is `opts.numeric` (`"dmy"`, the default, or `"mdy"`). A dotted date
-- ("19.09.2025") is always day first.
--
-- @module glean.news.dates
-- @usage
-- local dates = require "glean.news.dates"
-- local d = dates.resolve("last Friday", "2025-09-19")
-- print(d.value, d.grain, d.relative)          --> 2025-09-12  day  true
-- print(dates.duration("five years").value)     --> P5Y

local lpeg = require "lpeg"

local type, tonumber, tostring, pairs = type, tonumber, tostring, pairs
local error, select = error, select
local floor = math.floor
local format = string.format

local M = {}

-- Civil-date arithmetic ------------------------------------------------------

local function leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function days_in_month(y, m)
  if m == 2 and leap(y) then return 29 end
  return month_days[m]
end

-- Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

-- The civil date of a day number.
local function civil_from_days(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- ISO weekday of a day number: 1 Monday .. 7 Sunday (1970-01-01 was a Thursday).
local function weekday(z) return (z + 3) % 7 + 1 end

-- ISO week-numbering year and week of a day number.
local function iso_week(z)
  local thursday = z - weekday(z) + 4
  local y = civil_from_days(thursday)
  return y, floor((thursday - days_from_civil(y, 1, 1)) / 7) + 1
end

local function valid(y, m, d)
  return m >= 1 and m <= 12 and d >= 1 and d <= days_in_month(y, m)
end

--- Civil-date helpers, exposed for tests and other modules: `leap(y)`,
-- `days_in_month(y, m)`, `days_from_civil(y, m, d)` (days since
-- 1970-01-01), `civil_from_days(z)`, `weekday(z)` (1 Monday .. 7 Sunday)
-- and `iso_week(z)` (ISO year, week).
-- @table calendar
-- @usage print(dates.calendar.weekday(dates.calendar.days_from_civil(2025, 9, 19)))  --> 5
M.calendar = {
  leap = leap, days_in_month = days_in_month, days_from_civil = days_from_civil,
  civil_from_days = civil_from_days, weekday = weekday, iso_week = iso_week,
}

-- Values ----------------------------------------------------------------------

local function num(n)
  if n == floor(n) then return format("%d", n) end
  return format("%g", n)
end

local function day_value(z)
  local y, m, d = civil_from_days(z)
  return format("%04d-%02d-%02d", y, m, d)
end

local function week_value(z)
  local y, w = iso_week(z)
  return format("%04d-W%02d", y, w)
end

local function month_value(y, m) return format("%04d-%02d", y, m) end
local function year_value(y) return format("%04d", y) end

-- Adds n months to (y, m).
local function add_months(y, m, n)
  local k = y * 12 + (m - 1) + n
  return floor(k / 12), k % 12 + 1
end

-- Vocabulary -----------------------------------------------------------------

local MONTHS = {
  january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7,
  august = 8, september = 9, october = 10, november = 11, december = 12,
  jan = 1, feb = 2, mar = 3, apr = 4, jun = 6, jul = 7, aug = 8, sep = 9, sept = 9,
  oct = 10, nov = 11, dec = 12,
}

local WEEKDAYS = {
  monday = 1, tuesday = 2, wednesday = 3, thursday = 4, friday = 5, saturday = 6, sunday = 7,
  mon = 1, tue = 2, tues = 2, wed = 3, thu = 4, thur = 4, thurs = 4, fri = 5, sat = 6, sun = 7,
}

local NUMBERS = {
  a = 1, an = 1, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7,
  eight = 8, nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14,
  fifteen = 15, sixteen = 16, seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20,
  thirty = 30, forty = 40, fifty = 50, sixty = 60, seventy = 70, eighty = 80, ninety = 90,
  hundred = 100, ["a hundred"] = 100, ["one hundred"] = 100,
  ["a couple of"] = 2, ["a couple"] = 2, couple = 2, ["couple of"] = 2,
}
-- Quantities without a number: their values have an X ("PXW").
local VAGUE = {
  several = true, few = true, ["a few"] = true, many = true, some = true,
  ["a number of"] = true, ["a matter of"] = true,
}

-- Unit words -> { grain, TIMEX letter, time unit?, multiplier }
local UNITS = {}
local function unit(names, grain, letter, time, mult)
  for w in names:gmatch("%S+") do
    UNITS[w] = { grain = grain, letter = letter, time = time, mult = mult or 1 }
  end
end
unit("second seconds", "second", "S", true)
unit("minute minutes", "minute", "M", true)
unit("hour hours", "hour", "H", true)
unit("day days", "day", "D")
unit("week weeks", "week", "W")
unit("fortnight fortnights", "week", "W", false, 2)
unit("month months", "month", "M")
unit("quarter quarters", "quarter", "Q")
unit("year years", "year", "Y")
unit("decade decades", "decade", "DE")
unit("century centuries", "century", "CE")

local ORDINALS = { first = 1, second = 2, third = 3, fourth = 4, ["1st"] = 1, ["2nd"] = 2,
                   ["3rd"] = 3, ["4th"] = 4, last = 4, final = 4 }

local MODS = { early = "start", beginning = "start", start = "start", mid = "mid",
               middle = "mid", late = "end", ["end"] = "end", earlier = "earlier",
               later = "later" }

local PARTS = { morning = true, afternoon = true, evening = true, night = true }

-- A quantity: a number (digits or words, "twenty-five", "2.5") or a vague
-- word; returns the amount (nil when vague) and true when understood.
local function quantity(s)
  local n = tonumber((s:gsub(",", "")))
  if n and s:match("^[%d,%.]+$") then return n, true end
  if NUMBERS[s] then return NUMBERS[s], true end
  if VAGUE[s] then return nil, true end
  local tens, ones = s:match("^(%a+) (%a+)$")
  if tens and NUMBERS[tens] and NUMBERS[ones] and NUMBERS[tens] >= 20 and NUMBERS[tens] <= 90
     and NUMBERS[tens] % 10 == 0 and NUMBERS[ones] < 10 and ones ~= "a" and ones ~= "an" then
    return NUMBERS[tens] + NUMBERS[ones], true
  end
  return nil, false
end

-- Normalises a date's text: lower case, plain spaces and apostrophes, no
-- commas, no "the", no periods after letters, no ordinal suffixes,
-- hyphens between words made spaces, a final possessive dropped.
local function normalise(text)
  local s = text:lower()
  if s:find("[\128-\255]") then
    s = s:gsub("\194\160", " "):gsub("\226\128[\152\153]", "'"):gsub("\226\128[\147\148]", "-")
  end
  if s:find("'", 1, true) then s = s:gsub("'s%f[%W]", ""):gsub("s'%f[%W]", "s") end
  if s:find("[,%.]") then s = s:gsub(",", " "):gsub("(%a)%.", "%1"):gsub("%.$", "") end
  if s:find("%d%a") then
    s = s:gsub("(%d)(%a%a)%f[%W]", function(d, suffix)
      if suffix == "st" or suffix == "nd" or suffix == "rd" or suffix == "th" then return d end
    end)
  end
  if s:find("-", 1, true) then s = s:gsub("(%a)%-", "%1 "):gsub("%-(%a)", " %1") end
  if s:find("the", 1, true) then s = s:gsub("%f[%w]the%f[%W]", " ") end
  if s:find("%s%s") or s:find("^%s") or s:find("%s$") or s:find("[\t\r\n\f\v]") then
    s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  end
  return s
end

-- Resolution -----------------------------------------------------------------

-- ctx: { z = reference day number or nil, y, m, d, numeric = "dmy"|"mdy" }

local function day_result(_, z, relative)
  if not z then return { grain = "day", relative = relative } end
  return { value = day_value(z), grain = "day", relative = relative }
end

-- A day and month without a year: nearest the reference (past wins a tie).
local function day_no_year(ctx, m, d)
  if m < 1 or m > 12 or d < 1 or d > (m == 2 and 29 or month_days[m]) then return nil end
  if not ctx.z then return { value = format("XXXX-%02d-%02d", m, d), grain = "day",
                             relative = false } end
  local best, best_dist
  for y = ctx.y - 4, ctx.y + 4 do
    if valid(y, m, d) then
      local z = days_from_civil(y, m, d)
      local dist = z - ctx.z
      if dist < 0 then dist = -dist end
      if not best or dist < best_dist or (dist == best_dist and z < best) then
        best, best_dist = z, dist
      end
    end
  end
  return { value = day_value(best), grain = "day", relative = false }
end

-- A month without a year: nearest the reference month (past wins a tie).
local function month_no_year(ctx, m, mod)
  if not ctx.z then return { value = format("XXXX-%02d", m), grain = "month", relative = false,
                             mod = mod } end
  local here = ctx.y * 12 + ctx.m - 1
  local best, best_dist
  for y = ctx.y - 1, ctx.y + 1 do
    local k = y * 12 + m - 1
    local dist = k - here
    if dist < 0 then dist = -dist end
    if not best or dist < best_dist or (dist == best_dist and k < best) then
      best, best_dist = k, dist
    end
  end
  return { value = month_value(floor(best / 12), best % 12 + 1), grain = "month",
           relative = false, mod = mod }
end

local function absolute_day(y, m, d)
  if not valid(y, m, d) then return nil end
  return { value = format("%04d-%02d-%02d", y, m, d), grain = "day", relative = false }
end

-- A period relative to the reference: unit "day" | "week" | "weekend" |
-- "month" | "quarter" | "year" | "decade", offset in units.
local function period(ctx, u, offset, mod)
  local grain = u == "weekend" and "week" or u
  local r = { grain = grain, relative = true, mod = mod }
  if not ctx.z then return r end
  if u == "day" then r.value = day_value(ctx.z + offset)
  elseif u == "week" then r.value = week_value(ctx.z + 7 * offset)
  elseif u == "weekend" then r.value = week_value(ctx.z + 7 * offset) .. "-WE"
  elseif u == "month" then r.value = month_value(add_months(ctx.y, ctx.m, offset))
  elseif u == "quarter" then
    local k = ctx.y * 4 + floor((ctx.m - 1) / 3) + offset
    r.value = format("%04d-Q%d", floor(k / 4), k % 4 + 1)
  elseif u == "year" then r.value = year_value(ctx.y + offset)
  elseif u == "decade" then r.value = format("%03d", floor(ctx.y / 10) + offset)
  else return nil end
  return r
end

-- A weekday relative to the reference: how = "bare" | "last" | "next" | "this".
local function weekday_result(ctx, wd, how)
  if not ctx.z then return { grain = "day", relative = true } end
  local today = weekday(ctx.z)
  local z
  if how == "bare" then z = ctx.z - (today - wd) % 7
  elseif how == "last" then z = ctx.z - ((today - wd - 1) % 7 + 1)
  elseif how == "next" then z = ctx.z + ((wd - today - 1) % 7 + 1)
  else z = ctx.z - today + wd end
  return day_result(ctx, z, true)
end

-- A named month relative to the reference: "last September" (the latest
-- before the reference month), "next March", "this May".
local function month_relative(ctx, m, how)
  if not ctx.z then return { grain = "month", relative = true } end
  local y = ctx.y
  if how == "last" then
    if m >= ctx.m then y = y - 1 end
  elseif how == "next" then
    if m <= ctx.m then y = y + 1 end
  end
  return { value = month_value(y, m), grain = "month", relative = true }
end

-- A count of units before (sign -1) or after (+1) the reference.
local function offset_result(ctx, n, u, sign)
  local info = UNITS[u]
  if not info or info.time then return nil end
  local grain = info.grain
  if grain == "century" then return nil end
  if not n or not ctx.z then return { grain = grain, relative = true } end
  n = n * info.mult
  if n ~= floor(n) then return { grain = grain, relative = true } end
  if grain == "day" then return day_result(ctx, ctx.z + sign * n, true)
  elseif grain == "week" then return { value = week_value(ctx.z + sign * 7 * n), grain = "week",
                                       relative = true }
  end
  return period(ctx, grain, sign * n)
end

local RELATIVE_UNITS = { week = "week", weekend = "weekend", month = "month", year = "year",
                         quarter = "quarter", decade = "decade" }
local HOW = { this = 0, last = -1, next = 1, current = 0, coming = 1, past = -1,
              previous = -1 }

local function decade(s)
  local d = s:match("^(%d%d%d)0s$")
  if d then return { value = d, grain = "decade", relative = false } end
  return nil
end

-- Forms tried in order: a Lua pattern on the normalised text and what to do.
local forms = {}
-- Each form also records what its text starts with ("d" a digit, "a" a
-- letter, false either) and its number of words (false when it varies),
-- so that a text is tried only against the forms that can match it.
local function form(pat, fn)
  local start = pat:match("^%(?%%d") and "d" or (pat:match("^%(?%%a") or pat:match("^%a"))
                and "a" or false
  local nwords = not pat:find(".-", 1, true) and select(2, pat:gsub(" ", "")) + 1 or false
  forms[#forms + 1] = { "^" .. pat .. "$", fn, start, nwords }
end

-- Absolute ----------------------------------------------------------------------
form("(%d%d%d%d)%-(%d%d)%-(%d%d)", function(_, y, m, d)
  return absolute_day(tonumber(y), tonumber(m), tonumber(d))
end)
form("(%d%d%d%d)%-(%d%d)", function(_, y, m)
  y, m = tonumber(y), tonumber(m)
  if m < 1 or m > 12 then return nil end
  return { value = month_value(y, m), grain = "month", relative = false }
end)
form("(%d%d?)%.(%d%d?)%.(%d%d%d%d)", function(_, d, m, y)
  return absolute_day(tonumber(y), tonumber(m), tonumber(d))
end)
form("(%d%d?)/(%d%d?)/(%d%d%d%d)", function(ctx, a, b, y)
  a, b, y = tonumber(a), tonumber(b), tonumber(y)
  local d, m = a, b
  if a > 12 then d, m = a, b
  elseif b > 12 or ctx.numeric == "mdy" then d, m = b, a end
  return absolute_day(y, m, d)
end)
form("(%d%d?) (%a+) (%d%d%d%d)", function(_, d, mon, y)
  local m = MONTHS[mon]
  return m and absolute_day(tonumber(y), m, tonumber(d))
end)
form("(%d%d?) of (%a+) (%d%d%d%d)", function(_, d, mon, y)
  local m = MONTHS[mon]
  return m and absolute_day(tonumber(y), m, tonumber(d))
end)
form("(%a+) (%d%d?) (%d%d%d%d)", function(_, mon, d, y)
  local m = MONTHS[mon]
  return m and absolute_day(tonumber(y), m, tonumber(d))
end)
form("(%d%d?) (%a+)", function(ctx, d, mon)
  local m = MONTHS[mon]
  return m and day_no_year(ctx, m, tonumber(d))
end)
form("(%d%d?) of (%a+)", function(ctx, d, mon)
  local m = MONTHS[mon]
  return m and day_no_year(ctx, m, tonumber(d))
end)
form("(%a+) (%d%d?)", function(ctx, mon, d)
  local m = MONTHS[mon]
  return m and day_no_year(ctx, m, tonumber(d))
end)
form("(%a+) (%d%d%d%d)", function(_, mon, y)
  local m = MONTHS[mon]
  return m and { value = month_value(tonumber(y), m), grain = "month", relative = false }
end)
form("(%a+) of (%d%d%d%d)", function(_, mon, y)
  local m = MONTHS[mon]
  return m and { value = month_value(tonumber(y), m), grain = "month", relative = false }
end)
form("(%d%d%d%d)", function(_, y)
  return { value = y, grain = "year", relative = false }
end)
form("(%d%d%d0s)", function(_, s) return decade(s) end)
form("'(%d)0s", function(ctx, d)     -- "the '90s": the decade nearest the reference, in the past
  local c = ctx.z and floor(ctx.y / 100) or 19
  local v = c * 10 + tonumber(d)
  if ctx.z and v * 10 > ctx.y then v = v - 10 end
  return { value = format("%03d", v), grain = "decade", relative = false }
end)
form("(%a+)", function(ctx, w)
  local m = MONTHS[w]
  if m and #w >= 3 and (w == "may" or #w > 3 and w ~= "sept") then
    return month_no_year(ctx, m)
  end
  return nil
end)
form("q([1-4]) (%d%d%d%d)", function(_, q, y)
  return { value = y .. "-Q" .. q, grain = "quarter", relative = false }
end)
form("(%w+) quarter of (%d%d%d%d)", function(_, o, y)
  local q = ORDINALS[o]
  return q and { value = y .. "-Q" .. q, grain = "quarter", relative = false }
end)
form("(%w+) quarter of (%a+) year", function(ctx, o, how)
  local q, off = ORDINALS[o], HOW[how]
  if not q or not off then return nil end
  if not ctx.z then return { grain = "quarter", relative = true } end
  return { value = format("%04d-Q%d", ctx.y + off, q), grain = "quarter", relative = true }
end)
form("(%w+) quarter", function(ctx, o)
  local q = ORDINALS[o]
  if not q or o == "last" or o == "final" then return nil end
  if not ctx.z then return { grain = "quarter", relative = true } end
  return { value = format("%04d-Q%d", ctx.y, q), grain = "quarter", relative = true }
end)
-- early/mid/late + month or year: "mid September", "early 2025", "late September 2025"
form("(%a+) (%a+)", function(ctx, mod, mon)
  local m = MONTHS[mon]
  if not m or (mod ~= "early" and mod ~= "mid" and mod ~= "late") then
    return nil
  end
  return month_no_year(ctx, m, MODS[mod])
end)
form("(%a+) (%a+) (%d%d%d%d)", function(_, mod, mon, y)
  local m = MONTHS[mon]
  if not m or (mod ~= "early" and mod ~= "mid" and mod ~= "late") then return nil end
  return { value = month_value(tonumber(y), m), grain = "month", relative = false,
           mod = MODS[mod] }
end)
form("(%a+) (%d%d%d%d)", function(_, mod, y)
  if mod ~= "early" and mod ~= "mid" and mod ~= "late" then return nil end
  return { value = y, grain = "year", relative = false, mod = MODS[mod] }
end)
form("(%a+) (%d%d%d0s)", function(_, mod, s)
  if mod ~= "early" and mod ~= "mid" and mod ~= "late" then return nil end
  local r = decade(s)
  if r then r.mod = MODS[mod] end
  return r
end)
-- "the end of September (2025)", "the start of 2025"
form("(%a+) of (%a+)", function(ctx, mod, mon)
  local m = MONTHS[mon]
  if not m or #mon <= 3 and mon ~= "may" then return nil end
  if mod ~= "end" and mod ~= "start" and mod ~= "beginning" and mod ~= "middle" then return nil end
  return month_no_year(ctx, m, MODS[mod])
end)
form("(%a+) of (%a+) (%d%d%d%d)", function(_, mod, mon, y)
  local m = MONTHS[mon]
  if not m or not (mod == "end" or mod == "start" or mod == "beginning" or mod == "middle") then
    return nil
  end
  return { value = month_value(tonumber(y), m), grain = "month", relative = false,
           mod = MODS[mod] }
end)
form("(%a+) of (%d%d%d%d)", function(_, mod, y)
  if not (mod == "end" or mod == "start" or mod == "beginning" or mod == "middle") then
    return nil
  end
  return { value = y, grain = "year", relative = false, mod = MODS[mod] }
end)

-- Relative ----------------------------------------------------------------------
local SIMPLE = { today = 0, yesterday = -1, tomorrow = 1, tonight = 0,
                 ["day before yesterday"] = -2, ["day after tomorrow"] = 2 }
form("(%a+)", function(ctx, w)
  local wd = WEEKDAYS[w]
  if wd and #w > 3 then return weekday_result(ctx, wd, "bare") end
  local off = SIMPLE[w]
  if off then
    local r = day_result(ctx, ctx.z and ctx.z + off, true)
    if w == "tonight" then r.part = "night" end
    return r
  end
  return nil
end)
form("(day %a+ %a+)", function(ctx, w)
  local off = SIMPLE[w]
  return off and day_result(ctx, ctx.z and ctx.z + off, true)
end)
-- "yesterday morning", "this afternoon", "last night", "Friday evening"
form("(%a+) (%a+)", function(ctx, w, part)
  if not PARTS[part] then return nil end
  local r
  if w == "this" and part ~= "night" then r = day_result(ctx, ctx.z, true)
  elseif w == "last" and part == "night" then r = day_result(ctx, ctx.z and ctx.z - 1, true)
  elseif w == "yesterday" or w == "tomorrow" then
    r = day_result(ctx, ctx.z and ctx.z + SIMPLE[w], true)
  elseif WEEKDAYS[w] and #w > 3 then r = weekday_result(ctx, WEEKDAYS[w], "bare")
  else return nil end
  r.part = part
  return r
end)
-- "last week", "next Friday", "this month", "last September", "the coming year"
form("(%a+) (%a+)", function(ctx, how, w)
  local off = HOW[how]
  if not off then return nil end
  if WEEKDAYS[w] and #w > 3 then
    if how ~= "this" and how ~= "last" and how ~= "next" then return nil end
    return weekday_result(ctx, WEEKDAYS[w], how)
  end
  local m = MONTHS[w]
  if m and (#w > 3 or w == "may") and (how == "this" or how == "last" or how == "next") then
    return month_relative(ctx, m, how)
  end
  local u = RELATIVE_UNITS[w]
  if u then return period(ctx, u, off) end
  return nil
end)
-- "earlier this year", "late last month", "early next week"
form("(%a+) (%a+) (%a+)", function(ctx, mod, how, w)
  local u, off = RELATIVE_UNITS[w], HOW[how]
  if not (u and off and MODS[mod]) or mod == "end" or mod == "start" or mod == "beginning"
     or mod == "middle" or how == "coming" or how == "past" or how == "previous" then
    return nil
  end
  return period(ctx, u, off, MODS[mod])
end)
-- "early in the year", "later in the week"
form("(%a+) in (%a+)", function(ctx, mod, w)
  local u = RELATIVE_UNITS[w]
  if not (u and MODS[mod]) or u == "weekend" or mod == "end" or mod == "start"
     or mod == "beginning" or mod == "middle" or mod == "mid" then
    return nil
  end
  return period(ctx, u, 0, MODS[mod])
end)
-- "the end of this month", "the start of next year", "the end of the week"
form("(%a+) of (%a+) (%a+)", function(ctx, mod, how, w)
  local u, off = RELATIVE_UNITS[w], HOW[how]
  if not (u and off) or not (mod == "end" or mod == "start" or mod == "beginning"
                             or mod == "middle") then
    return nil
  end
  return period(ctx, u, off, MODS[mod])
end)
form("(%a+) of (%a+)", function(ctx, mod, w)
  local u = RELATIVE_UNITS[w]
  if not u or not (mod == "end" or mod == "start" or mod == "beginning" or mod == "middle") then
    return nil
  end
  return period(ctx, u, 0, MODS[mod])
end)
-- "the weekend": the latest one (this one on Saturday and Sunday)
form("weekend", function(ctx)
  if not ctx.z then return { grain = "week", relative = true } end
  local off = weekday(ctx.z) >= 6 and 0 or -1
  return period(ctx, "weekend", off)
end)
-- "two days ago", "a year ago", "several weeks ago", "three months from now"
form("(.-) (%a+) ago", function(ctx, q, u)
  local n, ok = quantity(q)
  if not ok then return nil end
  return offset_result(ctx, n, u, -1)
end)
form("(.-) (%a+) from now", function(ctx, q, u)
  local n, ok = quantity(q)
  if not ok then return nil end
  return offset_result(ctx, n, u, 1)
end)
form("in (.-) (%a+) time", function(ctx, q, u)
  local n, ok = quantity(q)
  if not ok then return nil end
  return offset_result(ctx, n, u, 1)
end)
form("in (.-) (%a+)", function(ctx, q, u)
  local n, ok = quantity(q)
  if not ok then return nil end
  return offset_result(ctx, n, u, 1)
end)

local LEADING = { on = true, at = true, ["in"] = true, by = true, since = true, ["until"] = true,
                  till = true, during = true, from = true, before = true, after = true,
                  around = true, circa = true, of = true, as = true }

local function parse_ref(ref, fname)
  local y, m, d = ref:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or not valid(y, m, d) then
    error("bad argument #2 to '" .. fname .. "' (a date YYYY-MM-DD expected, got "
          .. format("%q", ref) .. ")", 3)
  end
  return y, m, d
end

-- The forms a text can match, in order, by what it starts with and its
-- number of words (key: start .. nwords), listed when first asked.
local forms_by_kind = {}
local function forms_for(start, nwords)
  local key = start .. nwords
  local list = forms_by_kind[key]
  if not list then
    list = {}
    for k = 1, #forms do
      local f = forms[k]
      if (not f[3] or f[3] == start) and (not f[4] or f[4] == nwords) then list[#list + 1] = f end
    end
    forms_by_kind[key] = list
  end
  return list
end

-- Texts seen lately (a document repeats "today", "last year", and the
-- report resolves again what the rules did), at most CACHE_MAX of them:
-- a text's normalised form, and per normalised text what `try` found of
-- it. Which forms' patterns match a text does not depend on the context,
-- only what their functions make of it: so the forms that matched, with
-- their captures, are kept up to the first whose function gave a result,
-- and are called again with the context of the day.
local CACHE_MAX = 2000
local normalised, matched, cached = {}, {}, 0

local function remember()
  if cached >= CACHE_MAX then normalised, matched, cached = {}, {}, 0 end
  cached = cached + 1
end

-- The result of the first form (in order) whose pattern matches s and
-- whose function gives a result in ctx.
local function try(s, ctx)
  local seen = matched[s]
  local list, from
  if seen then
    for j = 1, seen.n, 4 do
      local r = seen[j][2](ctx, seen[j + 1], seen[j + 2], seen[j + 3])
      if r then return r end
    end
    if not seen.from then return nil end          -- (every form was tried)
    list, from = seen.list, seen.from
  else
    local start = s:find("^%d") and "d" or s:find("^%a") and "a" or "other"
    local nwords = select(2, s:gsub(" ", "")) + 1
    list, from = forms_for(start, nwords), 1
    remember()
    seen = { n = 0, list = list }
    matched[s] = seen
  end
  for k = from, #list do
    local f = list[k]
    local a, b, c = s:match(f[1])
    if a ~= nil then
      local n = seen.n
      seen[n + 1], seen[n + 2], seen[n + 3], seen[n + 4] = f, a, b, c
      seen.n = n + 4
      local r = f[2](ctx, a, b, c)
      if r then
        seen.from = k + 1
        return r
      end
    end
  end
  seen.from = nil
  return nil
end

-- The reference date parsed last.
local last_ref, last_y, last_m, last_d, last_z

--- Resolves the words of a date against a reference date.
-- @tparam string text the date's words ("19 September", "on Friday",
-- "the end of this month", "two days ago"); a leading preposition ("on",
-- "in", "since", ...), "the", commas, case and a possessive "'s" are
-- ignored
-- @tparam[opt] string ref the reference date, "YYYY-MM-DD" (the day the
-- article was written). Without it, absolute dates still resolve (with
-- "XXXX" for a missing year) and relative ones have a grain and no value.
-- @tparam[opt] table opts `numeric = "dmy"` (the default) or `"mdy"`: the
-- order of an all-numeric date with slashes whose parts are both 12 or less
-- @treturn table `{ value = ..., grain = ..., relative = boolean, mod = ...,
-- part = ... }` (see the module's description), or nil and a message
-- when the text is not a date this module understands
-- @usage dates.resolve("19 September", "2025-09-19").value   --> "2025-09-19"
function M.resolve(text, ref, opts)
  if type(text) ~= "string" then
    error("bad argument #1 to 'resolve' (string expected, got " .. type(text) .. ")", 2)
  end
  if ref ~= nil and type(ref) ~= "string" then
    error("bad argument #2 to 'resolve' (string or nil expected, got " .. type(ref) .. ")", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #3 to 'resolve' (table expected, got " .. type(opts) .. ")", 2)
  end
  local numeric = opts and opts.numeric or "dmy"
  if numeric ~= "dmy" and numeric ~= "mdy" then
    error("bad argument #3 to 'resolve' (opts.numeric must be \"dmy\" or \"mdy\", got "
          .. tostring(numeric) .. ")", 2)
  end
  if opts then
    for k in pairs(opts) do
      if k ~= "numeric" then error("bad argument #3 to 'resolve' (unknown option '"
                                   .. tostring(k) .. "')", 2) end
    end
  end
  local ctx = { numeric = numeric }
  if ref then
    if ref ~= last_ref then
      last_y, last_m, last_d = parse_ref(ref, "resolve")
      last_z, last_ref = days_from_civil(last_y, last_m, last_d), ref
    end
    ctx.y, ctx.m, ctx.d, ctx.z = last_y, last_m, last_d, last_z
  end
  if #text > 200 then return nil, "not a date (too long)" end
  local s = normalised[text]
  if not s then
    s = normalise(text)
    remember()
    normalised[text] = s
  end
  local r = try(s, ctx)
  if not r then
    local first, rest = s:match("^(%a+) (.+)$")
    if first and LEADING[first] then r = try(rest, ctx) end
  end
  if not r then return nil, "not a date: " .. format("%q", text) end
  return r
end

--- Resolves a length of time.
-- Values are ISO 8601 durations in TIMEX3's style: "P5Y", "P18M", "P2W",
-- "PT24H", "P1DE" (a decade), "P1CE" (a century); a vague amount
-- ("several weeks", "a few days") has X for its number ("PXW") and no
-- `amount`. A fortnight is two weeks.
-- @tparam string text "five years", "two-week", "18 months", "a decade"
-- @treturn table `{ value = "P5Y", grain = "year", amount = 5 }`, or nil
-- and a message when the text is not a duration
-- @usage dates.duration("18 months").value   --> "P18M"
function M.duration(text)
  if type(text) ~= "string" then
    error("bad argument #1 to 'duration' (string expected, got " .. type(text) .. ")", 2)
  end
  if #text > 200 then return nil, "not a duration (too long)" end
  local s = normalise((text:gsub("(%d),(%d%d%d)", "%1%2")))
  local q, u = s:match("^(.-) (%a+)$")
  if not q then q, u = s:match("^([%d,%.]+)(%a+)$") end
  local info = u and UNITS[u]
  if not info then return nil, "not a duration: " .. format("%q", text) end
  local n, ok = quantity(q)
  if not ok then return nil, "not a duration: " .. format("%q", text) end
  local r = { grain = info.grain }
  if n then
    r.amount = n * info.mult
    r.value = "P" .. (info.time and "T" or "") .. num(r.amount) .. info.letter
  else
    r.value = "P" .. (info.time and "T" or "") .. "X" .. info.letter
  end
  return r
end

-- Datelines -------------------------------------------------------------------

local function full_day(s)
  local r = M.resolve(s)
  if r and r.grain == "day" and r.value and not r.value:find("X") then return r.value end
  return nil
end

-- The first full date (with a year) in a line: an ISO date, else the first
-- "19 Sep 2025" (at a word start) or "Sept. 19, 2025" (at a letter run's
-- start) that is a valid day.
--
-- The line is read by its runs of digits (a run of four or more: a date is
-- possible; of exactly four after a space: a year). The ISO date is the
-- first run of four that opens one. Each of the other forms ends at a
-- year and starts in the second run of non-space characters before it
-- ("Sept. 19, 2025"), so each is looked for in that stretch of the line,
-- the years in order: the candidates in text order, as a search of the
-- whole line would meet them.
local DAY_FIRST = "%f[%w]%d%d?%a*%s+%a+%.?,?%s+%d%d%d%d%f[%D]"
local MONTH_FIRST = "%f[%a]%a+%.?%s+%d%d?%a*,?%s+%d%d%d%d%f[%D]"
local ISO = "^%d%d%d%d%-%d%d%-%d%d%f[%D]"
local function is_space(b) return b == 32 or (b >= 9 and b <= 13) end

-- A run of four digits or more before the line's end (LPeg spans the
-- other characters in C, where a Lua loop would take each run in turn).
local digit = lpeg.R"09"
local LONG_RUN = ((1 - (digit + lpeg.P"\n")) ^ 1 + digit * digit ^ -2 * -digit) ^ 0
                 * digit * digit * digit * digit
local lmatch = lpeg.match

-- The runs of four digits or more of a line, as the positions where each
-- starts and where it ends (the byte after it): { p1, e1, p2, e2, ... }.
-- (LPeg steps over the other characters in C: a Lua pattern taking the
-- line run by run cost as much as the rest of a document's report.)
local LONG_RUNS = lpeg.Ct(((1 - digit) ^ 1
                           + lpeg.Cp() * digit * digit * digit * digit ^ 1 * lpeg.Cp()
                           + digit ^ 1) ^ 0)

-- Is some line of head (lines ending at "\n") a "Date:" header, spaces
-- aside? Each ":" of head is looked at: "date" (any case) and blanks
-- before it, from the line's start. (Most heads have none, and few ":".)
local BLANK = { [32] = true, [9] = true, [11] = true, [12] = true }   -- [ \t\v\f]
local function date_header(head)
  local byte, find, lower, sub = string.byte, string.find, string.lower, string.sub
  local c = find(head, ":", 1, true)
  while c do
    local j = c - 1
    while j >= 1 and BLANK[byte(head, j)] do j = j - 1 end
    if j >= 4 and lower(sub(head, j - 3, j)) == "date" then
      j = j - 4
      while j >= 1 and BLANK[byte(head, j)] do j = j - 1 end
      if j == 0 or byte(head, j) == 10 then return true end
    end
    c = find(head, ":", c + 1, true)
  end
  return false
end

-- Where the stretch that may hold a date ending at the year at y starts:
-- the second run of non-space characters before it (or 1, when that is
-- not within the 32 bytes before it: a search from the line's start finds
-- the same).
local function stretch_start(l, y)
  local lo = y > 32 and y - 32 or 1
  local bytes = { string.byte(l, lo, y - 1) }
  local j = #bytes
  for _ = 1, 2 do
    while j > 0 do
      local b = bytes[j]
      if b ~= 32 and (b < 9 or b > 13) then break end
      j = j - 1
    end
    while j > 0 do
      local b = bytes[j]
      if b == 32 or b >= 9 and b <= 13 then break end
      j = j - 1
    end
  end
  if j == 0 then return 1 end          -- (a run may go on before lo)
  return lo + j
end

local function date_in(line)
  local find, sub = string.find, string.sub
  local l = line
  if find(line, "\194\160", 1, true) then l = line:gsub("\194\160", " ") end
  local runs = lmatch(LONG_RUNS, l)
  if runs[1] == nil then return nil end               -- every form has a year
  local iso, years = nil, nil
  for r = 1, #runs, 2 do
    local p, e = runs[r], runs[r + 1]
    if e - p == 4 then
      if iso == nil and string.byte(l, e) == 45 then      -- "-"
        iso = find(l, ISO, p) and sub(l, p, p + 9) or nil
      end
      if p > 1 and is_space(string.byte(l, p - 1)) then
        years = years or {}
        years[#years + 1] = p
      end
    end
  end
  if iso then
    local day = full_day(iso)
    if day then return day end
  end
  if not years then return nil end
  local seen = 0            -- the last candidate looked at
  for k = 1, #years do
    local y = years[k]
    local from = stretch_start(l, y)
    -- either form has the day's digits before the year: none, no date
    local w, d, de, a, ae
    if find(l, "%d", from) < y then
      w = sub(l, from, y + 3)
      d, de = find(w, DAY_FIRST)
      a, ae = find(w, MONTH_FIRST)
    end
    while d or a do
      local at, stop
      if d and (not a or d < a) then
        at, stop = d, de
        d, de = find(w, DAY_FIRST, d + 1)
      else
        at, stop = a, ae
        a, ae = find(w, MONTH_FIRST, a + 1)
      end
      at = from + at - 1
      if at > seen then
        seen = at
        local day = full_day(sub(l, at, from + stop - 1))
        if day then return day end
      end
    end
  end
  return nil
end

-- The lines of a head with carriage returns: split at "\r" and "\n".
local function reference_of_lines(head)
  -- a header block: "Date: ..." among the first lines
  local n = 0
  for line in head:gmatch("[^\r\n]+") do
    n = n + 1
    if n > 30 then break end
    local value = line:match("^%s*[Dd][Aa][Tt][Ee]%s*:%s*(.-)%s*$")
    if value then
      local found = date_in(value)
      if found then return found end
    end
  end
  n = 0
  for line in head:gmatch("[^\r\n]+") do
    if line:find("%S") then
      n = n + 1
      if n > 5 then break end
      local found = date_in(line)
      if found then return found end
    end
  end
  return nil
end

--- Reads an article's own date from its start: a "Date:" header, or a
-- full date with a year ("September 19, 2025", "19 Sep 2025",
-- "2025-09-19") in its first five non-blank lines. A dateline without a
-- year ("KYIV, Sept 19 (Reuters) -") gives nil: the year is not guessed.
-- @tparam string text the article
-- @treturn string|nil "YYYY-MM-DD"
-- @usage dates.reference("LONDON, 19 September 2025 - ...")   --> "2025-09-19"
function M.reference(text)
  if type(text) ~= "string" then
    error("bad argument #1 to 'reference' (string expected, got " .. type(text) .. ")", 2)
  end
  local find, sub = string.find, string.sub
  local head = #text > 4000 and sub(text, 1, 4000) or text
  if find(head, "\r", 1, true) then return reference_of_lines(head) end
  -- Lines end at "\n" alone: each line is read where it is, and made a
  -- string only when it may hold a date.
  local len = #head
  -- a header block: "Date: ..." among the first lines (empty ones aside),
  -- looked for when some line is one (see date_header)
  local n, pos = 0, 1
  if not date_header(head) then pos = len + 1 end
  while pos <= len do
    local e = find(head, "\n", pos, true)
    local last = (e or len + 1) - 1
    if last >= pos then
      n = n + 1
      if n > 30 then break end
      if find(head, "^[ \t\v\f]*[Dd][Aa][Tt][Ee][ \t\v\f]*:", pos) then
        local value = sub(head, pos, last):match("^%s*[Dd][Aa][Tt][Ee]%s*:%s*(.-)%s*$")
        local found = value and date_in(value)
        if found then return found end
      end
    end
    if not e then break end
    pos = e + 1
  end
  -- else the first five non-blank lines; only those with four digits in a
  -- row can hold a full date
  n, pos = 0, 1
  while pos <= len do
    local e = find(head, "\n", pos, true)
    local last = (e or len + 1) - 1
    local word = find(head, "%S", pos)
    if word and word <= last then
      n = n + 1
      if n > 5 then break end
      if lmatch(LONG_RUN, head, pos) then
        local found = date_in(sub(head, pos, last))
        if found then return found end
      end
    end
    if not e then break end
    pos = e + 1
  end
  return nil
end

return M
