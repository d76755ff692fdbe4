-- The news rule set, part 3: roles and aliases, over the entity mentions.
--
-- Roles: "Russian premier Vladimir Putin", "its own president, Volodymyr
-- Zelenskyy", "Sir Richard Moore, the head of Britain's foreign intelligence
-- agency MI6", "as head of MI6, Sir Richard", "X, chief executive of Y",
-- "Y's spokesman X". Each makes a ROLE span over the role's words, a link
-- person --role--> ROLE and, when the text says of what, a link
-- ROLE --of--> the organisation or place.
--
-- Aliases: "MI6 (aka the Secret Intelligence Service)", "the European Union
-- (EU)", "X, also known as Y", "X, formerly Y", "X, dubbed Y": a link
-- mention --alias--> mention.
--
-- In scope besides the rule vocabulary: `news`, the host's helpers
-- (news.span_at, news.mention_at, news.before, news.initials).

local comma = T.text","
-- Lower-case words that can be part of a role ("foreign", "chief"), not
-- the clause around it.
local modifier = T.all(T.lower_case, T.alpha, -T.lower{
  "that", "this", "the", "a", "an", "and", "or", "but", "as", "of", "in", "on", "at", "to",
  "by", "for", "with", "from", "said", "says", "is", "was", "were", "are", "has", "had",
  "have", "who", "which", "when", "while", "after", "before", "its", "his", "her", "their" })
local the = T.lower{ "the", "a", "an" }
local possessive = T.text{ "'s", "’s", "'", "’" }
local entity = T.span"PERSON" + T.span"ORG" + T.span"LOC" + T.span"NORP" + T.span"MISC"
local org_or_place = T.span"ORG" + T.span"LOC"

-- What a role is of: "of MI6", "of Britain's foreign intelligence agency
-- MI6", "at Olsen Marine".
local of_what = T.lower{ "of", "at", "for" } * T.lower"the" ^ -1
                * (org_or_place * possessive) ^ -1 * modifier ^ -4 * C("of", org_or_place)
-- The words of a role: "the head of ...", "chief executive of ...",
-- "foreign minister".
-- "the commission's chief negotiator": a possessive may open it.
local role_words = (T.span"NORP" + T.span"LOC" * possessive + modifier * possessive ^ -1) ^ -3
                   * T.span"ROLE"

local function link_role(m, doc, person_capture)
  local p = m.captures[person_capture]
  local who = news.span_at(doc, "PERSON", p.first, p.last)
  if not who then return end
  local role = m:add_span("ROLE", "role")
  m:link(who, "role", role)
  local of = m.captures.of
  local what = of and news.mention_at(doc, of.first, of.last)
  -- "its own president": of the nearest organisation or place before.
  if not what and m.captures.its then
    what = news.before(doc, { "LOC", "ORG" }, m.first)
  end
  if what then m:link(role, "of", what) end
end

local roles = {
  -- "Sir Richard Moore, the head of Britain's ... agency MI6"
  rule{ name = "role_apposition", priority = 2,
        pattern = C("person", T.span"PERSON") * comma
                  * C("role", the ^ -1 * role_words * of_what ^ -1),
        action = function(m, doc) link_role(m, doc, "person") end },
  -- "as head of MI6, Sir Richard added"
  rule{ name = "role_as", priority = 2,
        pattern = T.lower"as" * C("role", role_words * of_what ^ -1) * comma
                  * T.span"HONORIFIC" ^ -1 * C("person", T.span"PERSON"),
        action = function(m, doc) link_role(m, doc, "person") end },
  -- "Russian premier Vladimir Putin", "its own president, Volodymyr
  -- Zelenskyy", "the firm's spokesman Per Lund"
  rule{ name = "role_before", priority = 1,
        pattern = (C("its", T.lower{ "its", "their" }) * T.lower"own" ^ -1
                   + C("of", org_or_place) * possessive) ^ -1
                  * C("role", (T.span"NORP" + modifier) ^ -2 * T.span"ROLE")
                  * comma ^ -1 * C("person", T.span"PERSON"),
        action = function(m, doc) link_role(m, doc, "person") end },
}

local function link_alias(m, doc)
  local a, b = m.captures.a, m.captures.b
  local x = news.mention_at(doc, a.first, a.last)
  local y = news.mention_at(doc, b.first, b.last)
  -- an acronym that is also an English word ("PAR") becomes a mention here
  if x and not y and b.first == b.last then y = m:add_span(x.label, "b") end
  if x and y and x ~= y then m:link(x, "alias", y) end
end

local aka = T.lower{ "aka", "a.k.a.", "a.k.a", "formerly", "dubbed", "alias" }
            + T.lower{ "also", "formerly", "better" } ^ -1 * T.lower"known" * T.lower"as"
local aliases = {
  -- "MI6 (aka the Secret Intelligence Service)", "X, also known as Y"
  rule{ name = "alias_aka", priority = 2,
        pattern = C("a", entity) * (T.text"(" + comma) ^ -1 * aka * the ^ -1
                  * T.quote ^ -1 * C("b", entity),
        action = link_alias },
  -- "the European Union (EU)", "the Norwegian Coastal Safety Authority (NCSA)"
  rule{ name = "alias_acronym", priority = 1,
        pattern = C("a", entity) * T.text"(" * C("b", entity + T.all(T.upper, T.alpha))
                  * T.text")",
        where = function(m, doc)
          local a, b = m.captures.a, m.captures.b
          return news.initials(doc, a.first, a.last, b.first, b.last)
        end,
        action = link_alias },
}

-- One phase (a phase costs a pass over each document): every rule keeps
-- its own leftmost-longest matches, and roles and aliases do not compete.
local all = {}
for _, list in ipairs{ roles, aliases } do
  for _, r in ipairs(list) do all[#all + 1] = r end
end
return phase{ name = "roles", overlap = "all", rules = all }
