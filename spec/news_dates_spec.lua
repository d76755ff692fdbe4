-- News dates and durations: glean.news.dates (resolve, duration,
-- reference, calendar) and the rule file lua/glean/news/rules/dates.lua.
local glean = require "glean"
local dates = require "glean.news.dates"

local REF = "2025-09-19"     -- a Friday, in ISO week 38

local function resolve(text, ref, opts)
  local r = dates.resolve(text, ref, opts)
  return r and { value = r.value, grain = r.grain, relative = r.relative, mod = r.mod,
                 part = r.part }
end

-- Expected results: { text, value, grain, relative, mod }
local function check(cases, ref)
  for _, c in ipairs(cases) do
    local got = resolve(c[1], ref)
    assert.is_table(got, c[1])
    assert.same({ value = c[2], grain = c[3], relative = c[4], mod = c[5], part = c[6] }, got,
                 c[1])
  end
end

describe("dates.resolve", function()
  it("resolves absolute dates", function()
    check({
      { "19 September", "2025-09-19", "day", false },
      { "19 Sept.", "2025-09-19", "day", false },
      { "September 19, 2025", "2025-09-19", "day", false },
      { "September 19 2025", "2025-09-19", "day", false },
      { "Sept. 19", "2025-09-19", "day", false },
      { "Sep 19th", "2025-09-19", "day", false },
      { "the 19th of September", "2025-09-19", "day", false },
      { "19th of September 2025", "2025-09-19", "day", false },
      { "19 September, 2025", "2025-09-19", "day", false },
      { "2025-09-19", "2025-09-19", "day", false },
      { "19.09.2025", "2025-09-19", "day", false },
      { "September 2025", "2025-09", "month", false },
      { "Sept 2025", "2025-09", "month", false },
      { "2025-09", "2025-09", "month", false },
      { "2025", "2025", "year", false },
      { "in 2019", "2019", "year", false },
      { "the 1990s", "199", "decade", false },
      { "the '90s", "199", "decade", false },
      { "mid-September", "2025-09", "month", false, "mid" },
      { "early September", "2025-09", "month", false, "start" },
      { "late September 2024", "2024-09", "month", false, "end" },
      { "early 2025", "2025", "year", false, "start" },
      { "mid-2025", "2025", "year", false, "mid" },
      { "the end of September", "2025-09", "month", false, "end" },
      { "the end of 2025", "2025", "year", false, "end" },
      { "the beginning of March 2026", "2026-03", "month", false, "start" },
      { "Q3 2025", "2025-Q3", "quarter", false },
      { "the third quarter of 2024", "2024-Q3", "quarter", false },
      { "in March", "2025-03", "month", false },      -- six months either way: the past wins
      { "November", "2025-11", "month", false },      -- two months ahead beats ten back
      { "20 December", "2025-12-20", "day", false },
    }, REF)
  end)

  it("resolves relative dates with a past bias", function()
    check({
      { "Friday", "2025-09-19", "day", true },          -- the reference day itself
      { "on Friday", "2025-09-19", "day", true },
      { "Friday's", "2025-09-19", "day", true },
      { "Thursday", "2025-09-18", "day", true },
      { "Saturday", "2025-09-13", "day", true },        -- the last one, not tomorrow
      { "last Friday", "2025-09-12", "day", true },
      { "next Friday", "2025-09-26", "day", true },
      { "this Friday", "2025-09-19", "day", true },
      { "next Monday", "2025-09-22", "day", true },
      { "Friday evening", "2025-09-19", "day", true, nil, "evening" },
      { "yesterday", "2025-09-18", "day", true },
      { "today", "2025-09-19", "day", true },
      { "tomorrow", "2025-09-20", "day", true },
      { "the day before yesterday", "2025-09-17", "day", true },
      { "yesterday morning", "2025-09-18", "day", true, nil, "morning" },
      { "last night", "2025-09-18", "day", true, nil, "night" },
      { "this afternoon", "2025-09-19", "day", true, nil, "afternoon" },
      { "two days ago", "2025-09-17", "day", true },
      { "a year ago", "2024", "year", true },
      { "three weeks ago", "2025-W35", "week", true },
      { "18 months ago", "2024-03", "month", true },
      { "a decade ago", "201", "decade", true },
      { "two weeks from now", "2025-W40", "week", true },
      { "next week", "2025-W39", "week", true },
      { "last week", "2025-W37", "week", true },
      { "this week", "2025-W38", "week", true },
      { "this weekend", "2025-W38-WE", "week", true },
      { "the weekend", "2025-W37-WE", "week", true },
      { "this month", "2025-09", "month", true },
      { "last month", "2025-08", "month", true },
      { "Next Month", "2025-10", "month", true },
      { "last year", "2024", "year", true },
      { "next year's", "2026", "year", true },
      { "last quarter", "2025-Q2", "quarter", true },
      { "the third quarter", "2025-Q3", "quarter", true },
      { "last September", "2024-09", "month", true },
      { "next March", "2026-03", "month", true },
      { "this May", "2025-05", "month", true },
      { "the end of this month", "2025-09", "month", true, "end" },
      { "at the end of this month", "2025-09", "month", true, "end" },
      { "the end of the month", "2025-09", "month", true, "end" },
      { "the start of next year", "2026", "year", true, "start" },
      { "the middle of last week", "2025-W37", "week", true, "mid" },
      { "early in the year", "2025", "year", true, "start" },
      { "later in the week", "2025-W38", "week", true, "later" },
      { "earlier this year", "2025", "year", true, "earlier" },
      { "late last year", "2024", "year", true, "end" },
      { "early next week", "2025-W39", "week", true, "start" },
      { "mid-next month", "2025-10", "month", true, "mid" },
    }, REF)
  end)

  it("keeps vague counts as a grain without a value", function()
    assert.same({ grain = "year", relative = true }, resolve("several years ago", REF))
    assert.same({ grain = "week", relative = true }, resolve("a few weeks ago", REF))
  end)

  it("works without a reference date", function()
    check({
      { "19 September", "XXXX-09-19", "day", false },
      { "September 19, 2025", "2025-09-19", "day", false },
      { "in March", "XXXX-03", "month", false },
      { "mid-September", "XXXX-09", "month", false, "mid" },
      { "the 1990s", "199", "decade", false },
      { "2025", "2025", "year", false },
      { "Friday", nil, "day", true },
      { "last week", nil, "week", true },
      { "the end of this month", nil, "month", true, "end" },
      { "early in the year", nil, "year", true, "start" },
      { "two days ago", nil, "day", true },
    }, nil)
  end)

  it("reads all-numeric dates day first unless they cannot be", function()
    assert.equal("2025-09-19", dates.resolve("19/09/2025").value)
    assert.equal("2025-09-19", dates.resolve("09/19/2025").value)     -- 19 is no month
    assert.equal("2025-03-04", dates.resolve("04/03/2025").value)     -- ambiguous: day first
    assert.equal("2025-04-03", dates.resolve("04/03/2025", nil, { numeric = "mdy" }).value)
    assert.equal("2025-03-04", dates.resolve("04.03.2025", nil, { numeric = "mdy" }).value)
    assert.is_nil(dates.resolve("19/13/2025"))
  end)

  it("knows leap years and month lengths", function()
    assert.equal("2024-02-29", dates.resolve("29 February 2024").value)
    assert.equal("2000-02-29", dates.resolve("February 29, 2000").value)
    assert.is_nil(dates.resolve("29 February 2025"))
    assert.is_nil(dates.resolve("29 February 1900"))
    assert.is_nil(dates.resolve("31 April 2025"))
    assert.is_nil(dates.resolve("31 February"))
    assert.is_nil(dates.resolve("2025-02-30"))
    assert.is_nil(dates.resolve("2025-13-01"))
    assert.equal("2025-04-30", dates.resolve("30 April 2025").value)
    -- a year-less 29 February goes to the nearest leap year
    assert.equal("2024-02-29", dates.resolve("29 February", "2025-09-19").value)
    assert.equal("2028-02-29", dates.resolve("29 February", "2027-06-01").value)
    assert.equal("2024-02-28", dates.resolve("yesterday", "2024-02-29").value)
    assert.equal("2024-02-29", dates.resolve("yesterday", "2024-03-01").value)
    assert.equal("2023-02-28", dates.resolve("yesterday", "2023-03-01").value)
  end)

  it("crosses year boundaries", function()
    check({
      { "yesterday", "2024-12-31", "day", true },
      { "last week", "2024-W52", "week", true },
      { "last month", "2024-12", "month", true },
      { "20 December", "2024-12-20", "day", false },  -- 13 days back, not 352 ahead
      { "last Friday", "2024-12-27", "day", true },
      { "last December", "2024-12", "month", true },
      { "this week", "2025-W01", "week", true },
      { "last quarter", "2024-Q4", "quarter", true },
    }, "2025-01-01")
    check({
      { "5 January", "2025-01-05", "day", false },
      { "next week", "2025-W01", "week", true },
      { "tomorrow", "2024-12-29", "day", true },
      { "next month", "2025-01", "month", true },
      { "January", "2025-01", "month", false },
    }, "2024-12-28")
    -- ISO weeks: 2020 has 53, and its last week runs into 2021
    assert.equal("2020-W53", dates.resolve("this week", "2021-01-03").value)
    assert.equal("2021-W01", dates.resolve("next week", "2021-01-03").value)
    assert.equal("2020-W53-WE", dates.resolve("the weekend", "2021-01-03").value)
  end)

  it("prefers the past when a year-less date is as near either way", function()
    -- 1 March 2023 and 1 March 2024 are 366 days apart, and 183 days from 31 August 2023
    assert.equal("2023-03-01", dates.resolve("1 March", "2023-08-31").value)
    assert.equal("2024-03-01", dates.resolve("1 March", "2023-09-01").value)
    assert.equal("2024-09-19", dates.resolve("19 September", "2025-03-20").value)
    assert.equal("2025-09-19", dates.resolve("19 September", "2025-03-21").value)
  end)

  it("rejects what is not a date", function()
    for _, text in ipairs{ "", "foo", "people", "the war", "Sept", "last man", "five years",
                           "2025 people", "March on", "45", "2025-9-19", string.rep("x", 300) } do
      assert.is_nil(dates.resolve(text, REF), text)
    end
    local r, msg = dates.resolve("foo")
    assert.is_nil(r)
    assert.matches("not a date", msg)
  end)

  it("raises on misuse", function()
    assert.has_error(function() dates.resolve(nil) end,
                     "bad argument #1 to 'resolve' (string expected, got nil)")
    assert.has_error(function() dates.resolve("today", "19/09/2025") end)
    assert.has_error(function() dates.resolve("today", "2025-02-30") end)
    assert.has_error(function() dates.resolve("today", 20250919) end)
    assert.has_error(function() dates.resolve("today", REF, { numeric = "ymd" }) end)
    assert.has_error(function() dates.resolve("today", REF, { order = "dmy" }) end)
    assert.has_error(function() dates.duration(5) end)
    assert.has_error(function() dates.reference(nil) end)
  end)
end)

describe("dates.calendar", function()
  local cal = dates.calendar

  -- An independent check: os.time/os.date normalise out-of-range days
  -- (noon, so that no clock change can move the date).
  local function civil_via_os(y, m, d)
    local t = os.date("*t", os.time{ year = y, month = m, day = d, hour = 12 })
    return t.year, t.month, t.day, (t.wday + 5) % 7 + 1   -- ISO weekday
  end

  it("agrees with os.date on days, weekdays and day arithmetic", function()
    local z0 = cal.days_from_civil(1999, 12, 1)
    for k = 0, 3000, 7 do
      local ey, em, ed, ewd = civil_via_os(1999, 12, 1 + k)
      local y, m, d = cal.civil_from_days(z0 + k)
      assert.same({ ey, em, ed }, { y, m, d })
      assert.equal(ewd, cal.weekday(z0 + k))
      assert.equal(z0 + k, cal.days_from_civil(y, m, d))
    end
    assert.equal(0, cal.days_from_civil(1970, 1, 1))
    assert.equal(4, cal.weekday(0))     -- a Thursday
  end)

  it("knows leap years", function()
    assert.is_true(cal.leap(2000))
    assert.is_true(cal.leap(2024))
    assert.is_false(cal.leap(1900))
    assert.is_false(cal.leap(2025))
    assert.equal(29, cal.days_in_month(2024, 2))
    assert.equal(28, cal.days_in_month(2100, 2))
  end)

  it("numbers ISO weeks", function()
    local function week(y, m, d) return { cal.iso_week(cal.days_from_civil(y, m, d)) } end
    assert.same({ 2025, 38 }, week(2025, 9, 19))
    assert.same({ 2025, 1 }, week(2024, 12, 30))
    assert.same({ 2020, 53 }, week(2021, 1, 3))
    assert.same({ 2026, 53 }, week(2026, 12, 31))
    assert.same({ 2027, 1 }, week(2027, 1, 4))
  end)
end)

describe("weekday resolution (brute force)", function()
  local cal = dates.calendar
  local names = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }

  -- The date k days from a reference, and its ISO weekday, via os.date.
  local function shifted(y, m, d, k)
    local t = os.date("*t", os.time{ year = y, month = m, day = d + k, hour = 12 })
    return string.format("%04d-%02d-%02d", t.year, t.month, t.day), (t.wday + 5) % 7 + 1
  end

  -- The first k in ks whose day has weekday wd.
  local function search(y, m, d, wd, ks)
    for _, k in ipairs(ks) do
      local s, w = shifted(y, m, d, k)
      if w == wd then return s end
    end
  end

  it("matches a day-by-day search over many reference dates", function()
    local z0 = cal.days_from_civil(2023, 12, 20)
    local back0, back1, fwd1 = {}, {}, {}
    for k = 0, 7 do back0[#back0 + 1] = -k; back1[#back1 + 1] = -k - 1; fwd1[#fwd1 + 1] = k + 1 end
    local checked = 0
    for step = 0, 800, 3 do
      local y, m, d = cal.civil_from_days(z0 + step)
      local ref = string.format("%04d-%02d-%02d", y, m, d)
      local _, today = shifted(y, m, d, 0)
      for wd, name in ipairs(names) do
        assert.equal(search(y, m, d, wd, back0), dates.resolve(name, ref).value, name .. " " .. ref)
        assert.equal(search(y, m, d, wd, back1), dates.resolve("last " .. name, ref).value)
        assert.equal(search(y, m, d, wd, fwd1), dates.resolve("next " .. name, ref).value)
        -- "this Friday": the one in the same Monday-to-Sunday week
        local this = shifted(y, m, d, wd - today)
        assert.equal(this, dates.resolve("this " .. name, ref).value)
        checked = checked + 1
      end
    end
    assert.is_true(checked > 1800)
  end)
end)

describe("dates.duration", function()
  it("gives ISO 8601 durations", function()
    local cases = {
      { "five years", "P5Y", "year", 5 },
      { "three years", "P3Y", "year", 3 },
      { "Three Years", "P3Y", "year", 3 },
      { "two-week", "P2W", "week", 2 },
      { "18 months", "P18M", "month", 18 },
      { "18-month", "P18M", "month", 18 },
      { "a decade", "P1DE", "decade", 1 },
      { "two decades", "P2DE", "decade", 2 },
      { "a century", "P1CE", "century", 1 },
      { "a fortnight", "P2W", "week", 2 },
      { "24 hours", "PT24H", "hour", 24 },
      { "90 minutes", "PT90M", "minute", 90 },
      { "twenty-five years", "P25Y", "year", 25 },
      { "2.5 years", "P2.5Y", "year", 2.5 },
      { "1,000 years", "P1000Y", "year", 1000 },
      { "a couple of days", "P2D", "day", 2 },
      { "an hour", "PT1H", "hour", 1 },
    }
    for _, c in ipairs(cases) do
      local r = dates.duration(c[1])
      assert.same({ value = c[2], grain = c[3], amount = c[4] }, r, c[1])
    end
  end)

  it("keeps vague amounts as X", function()
    assert.same({ value = "PXW", grain = "week" }, dates.duration("several weeks"))
    assert.same({ value = "PXD", grain = "day" }, dates.duration("a few days"))
    assert.same({ value = "PXY", grain = "year" }, dates.duration("many years"))
  end)

  it("rejects what is not a duration", function()
    for _, text in ipairs{ "years", "five", "five people", "last week", "the year", "" } do
      assert.is_nil(dates.duration(text), text)
    end
  end)
end)

describe("dates.reference", function()
  it("reads full dates at the start of an article", function()
    assert.equal("2025-09-19", dates.reference("LONDON, 19 September 2025 - The head of ..."))
    assert.equal("2025-09-19", dates.reference("Spies and talks\nBy A. Writer\n"
                                               .. "September 19, 2025\n\nThe head of ..."))
    assert.equal("2025-09-19", dates.reference("Sept. 19, 2025 (Wire) - ..."))
    assert.equal("2025-09-19", dates.reference("Posted 2025-09-19 10:42\nText"))
    assert.equal("2025-09-19", dates.reference("Title: Talks\nDate: Fri, 19 Sep 2025 10:00:00 +0000"
                                               .. "\n\nbody"))
    -- the first valid one in the line, whichever its form; invalid ones skipped
    assert.equal("2024-03-01", dates.reference("Filed 31 February 2024, amended March 1, 2024 and "
                                               .. "2 April 2024"))
    assert.equal("2024-04-02", dates.reference("Version 12.5 of 2 April 2024, not March 1, 2024"))
    assert.equal("2024-06-03", dates.reference("x19 May 2024 moved; 3 June 2024"))
  end)

  it("does not guess a year", function()
    assert.is_nil(dates.reference("KYIV, Sept 19 (Wire) - Talks resumed on Friday."))
    assert.is_nil(dates.reference("No date here.\nNor here."))
    assert.is_nil(dates.reference(""))
  end)

  it("looks only at the first lines", function()
    local late = "One.\nTwo.\nThree.\nFour.\nFive.\nSix on 19 September 2025.\n"
    assert.is_nil(dates.reference(late))
    assert.is_nil(dates.reference("LONDON, 31 February 2025 - nothing valid"))
  end)
end)

describe("the date rules", function()
  local path = "lua/glean/news/rules/dates.lua"
  local pl

  setup(function()
    local phases = assert(glean.rules.load(path, { env = { dates = dates } }))
    pl = glean.pipeline{ phases = phases }
  end)

  -- "LABEL[text]" for each DATE and DURATION span, in text order.
  local function found(text)
    local doc = pl:run(text)
    local out = {}
    for _, s in ipairs(doc:spans()) do
      if s.label == "DATE" or s.label == "DURATION" then
        out[#out + 1] = s.label .. "[" .. s.text .. "]"
      end
    end
    return out, doc
  end

  it("needs the resolver in its environment", function()
    local phases, err = glean.rules.load(path)
    assert.is_nil(phases)
    assert.matches("glean.news.dates", err)
  end)

  -- { sentence, spans..., with the value of each DATE span for REF }
  local cases = {
    { "He spoke on 19 September, Friday, in London.",
      "DATE[19 September]", "2025-09-19", "DATE[Friday]", "2025-09-19" },
    { "The ceasefire should hold until at the end of this month, officials said.",
      "DATE[the end of this month]", "2025-09" },
    { "She stepped down after five years as head of the agency.", "DURATION[five years]" },
    { "Talks stalled early in the year but resumed last week.",
      "DATE[early in the year]", "2025", "DATE[last week]", "2025-W37" },
    { "The treaty was signed on September 19, 2025, and ratified Sept. 19.",
      "DATE[September 19, 2025]", "2025-09-19", "DATE[Sept. 19]", "2025-09-19" },
    { "Figures dated 2025-09-19 and 19/09/2025 appeared in September 2025.",
      "DATE[2025-09-19]", "2025-09-19", "DATE[19/09/2025]", "2025-09-19",
      "DATE[September 2025]", "2025-09" },
    { "Prices have risen since 1990 and fell in 2025.",
      "DATE[1990]", "1990", "DATE[2025]", "2025" },
    { "Friday's meeting came two days ago; yesterday was quiet and tomorrow is not.",
      "DATE[Friday]", "2025-09-19", "DATE[two days ago]", "2025-09-17",
      "DATE[yesterday]", "2025-09-18", "DATE[tomorrow]", "2025-09-20" },
    { "Today the council met, as it did last Friday and will next Monday.",
      "DATE[Today]", "2025-09-19", "DATE[last Friday]", "2025-09-12",
      "DATE[next Monday]", "2025-09-22" },
    { "Last year, earlier this year, next week, this month and in the 1990s.",
      "DATE[Last year]", "2024", "DATE[earlier this year]", "2025", "DATE[next week]", "2025-W39",
      "DATE[this month]", "2025-09", "DATE[the 1990s]", "199" },
    { "A two-week truce, 18 months of talks, a decade of war, several weeks, three years.",
      "DURATION[two-week]", "DURATION[18 months]", "DURATION[a decade]",
      "DURATION[several weeks]", "DURATION[three years]" },
    { "In the third quarter of 2025 and in Q3 2025, mid-September and early 2025.",
      "DATE[the third quarter of 2025]", "2025-Q3", "DATE[Q3 2025]", "2025-Q3",
      "DATE[mid-September]", "2025-09", "DATE[early 2025]", "2025" },
    { "The 19 September attack came on the 19th of September, late last year.",
      "DATE[19 September]", "2025-09-19", "DATE[the 19th of September]", "2025-09-19",
      "DATE[late last year]", "2024" },
    { "Over the weekend and last night, a year ago, the day before yesterday.",
      "DATE[the weekend]", "2025-W37-WE", "DATE[last night]", "2025-09-18",
      "DATE[a year ago]", "2024", "DATE[the day before yesterday]", "2025-09-17" },
    { "He left in March and returns in May, by the end of the year.",
      "DATE[March]", "2025-03", "DATE[May]", "2025-05", "DATE[the end of the year]", "2025" },
    { "It happened yesterday morning, not this afternoon or on Friday evening.",
      "DATE[yesterday morning]", "2025-09-18", "DATE[this afternoon]", "2025-09-19",
      "DATE[Friday evening]", "2025-09-19" },
    { "Results came three weeks ago, a month after last September.",
      "DATE[three weeks ago]", "2025-W35", "DURATION[a month]", "DATE[last September]",
      "2024-09" },
    { "ON 19 SEPTEMBER THE TALKS ENDED", "DATE[19 SEPTEMBER]", "2025-09-19" },
    { "The 21-year-old served 24 hours, then a further twenty-five years.",
      "DURATION[24 hours]", "DURATION[twenty-five years]" },
  }

  it("finds each construction, and each DATE resolves", function()
    for _, c in ipairs(cases) do
      local got = found(c[1])
      local want, values = {}, {}
      local i = 2
      while c[i] do
        want[#want + 1] = c[i]
        if c[i]:match("^DATE") then
          values[#want] = c[i + 1]
          i = i + 2
        else
          i = i + 1
        end
      end
      assert.same(want, got, c[1])
      for k, v in pairs(values) do
        local text = want[k]:match("^DATE%[(.*)%]$")
        local r = dates.resolve(text, REF)
        assert.equal(v, r and r.value, text)
      end
    end
  end)

  it("gives the spans kind, grain and value attributes", function()
    local _, doc = found("On 19 September 2025 and last Friday, for three years.")
    local spans = doc:spans("DATE")
    assert.same({ kind = "absolute", grain = "day", value = "2025-09-19" }, spans[1].attrs)
    assert.same({ kind = "relative", grain = "day" }, spans[2].attrs)
    local d = doc:spans("DURATION")[1]
    assert.same({ value = "P3Y", grain = "year", amount = 3 }, d.attrs)
    local _, doc2 = found("The vote is at the end of this month.")
    assert.same({ kind = "relative", grain = "month", mod = "end" }, doc2:spans("DATE")[1].attrs)
  end)

  it("covers exactly the date's words, with byte offsets", function()
    local text = "Sources said on Friday's call, at the end of this month."
    local _, doc = found(text)
    local s = doc:spans("DATE")
    assert.equal(2, #s)
    assert.equal("Friday", text:sub(s[1].start, s[1].stop))
    assert.equal("the end of this month", text:sub(s[2].start, s[2].stop))
  end)

  it("avoids false positives", function()
    for _, text in ipairs{
      "Theresa May said May's cabinet would march on.",
      "They march in protest; confidence in May Smith fell.",
      "The city has 2025 people and 1990 homes.",
      "A 45-year-old man, aged five years old, was paid twice a year.",
      "She earns $50,000 a year and once a month meets them.",
      "One day he left; every two weeks he calls.",
      "Sept was the code name, and Jan the nickname.",
      "The war of words ended; the end of the road.",
      "He scored 31 February points.",
      "The March on Washington drew crowds.",
    } do
      assert.same({}, (found(text)), text)
    end
  end)

  it("keeps durations and dates apart", function()
    assert.same({ "DURATION[five years]" }, (found("after five years as head")))
    assert.same({ "DATE[five years ago]" }, (found("five years ago, as head")))
    assert.same({ "DURATION[three years]" }, (found("for the past three years")))
  end)
end)
