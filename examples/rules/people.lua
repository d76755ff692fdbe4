-- Example rule file: people with their honorifics, roles, and who holds
-- which role. Load it with glean.rules.load("examples/rules/people.lua");
-- run.lua in this folder shows it at work.
--
-- In scope: T (token patterns), rule, phase, C, lpeg, and the safe parts
-- of the standard library.

local honorific = T.lower{ "sir", "dame", "lord", "lady", "mr", "mrs", "ms", "dr" }
local small = T.lower{ "and", "or", "of", "the", "a", "an", "to", "in", "on", "at", "for" }

-- A name is a run of capitalised words; reporters' copy sometimes leaves
-- the given name in lower case ("Sir richard Moore"), so after an
-- honorific one lower-case word may open it, if a capitalised one follows.
local name = (T.lower_case - small) ^ -1 * T.title ^ 1

phase{ name = "people", rules = {
  rule{ name = "honorific_name", label = "PERSON", priority = 2,
        pattern = C("title", honorific * T.text"." ^ -1) * C("name", name),
        action = function(m)
          -- the honorific without its period, as written
          m:set("title", (m:text("title"):gsub("%.$", "")))
          m:set("name", m:text("name"))
        end },
  rule{ name = "two_names", label = "PERSON", pattern = T.title * T.title * T.title ^ -1 },
} }

-- Organisations: short all-capital names with a digit or two ("MI6", "G7")
-- and capitalised runs ending in an organisation word.
phase{ name = "organisations", rules = {
  rule{ name = "acronym", label = "ORG", pattern = T.all(T.upper, T.shape{ "XXd", "Xd", "XXXd" }) },
  rule{ name = "org_word", label = "ORG",
        pattern = T.title ^ 1 * T.lower{ "ministry", "agency", "service", "bank", "council" } },
} }

-- Roles: "head of MI6", "chief of the Secret Intelligence Service".
phase{ name = "roles", rules = {
  rule{ name = "head_of", label = "ROLE",
        pattern = C("role", T.lower{ "head", "chief", "director", "leader" }) * T.lower"of"
                  * T.lower"the" ^ -1 * C("org", T.span"ORG"),
        action = function(m) m:set("role", m:text("role"):lower()) end },
} }

-- Who holds the role: "PERSON, the ROLE" and "the ROLE, PERSON".
phase{ name = "holders", rules = {
  rule{ name = "person_comma_role",
        pattern = C("person", T.span"PERSON") * T.text"," * T.lower"the" ^ -1
                  * C("role", T.span"ROLE"),
        action = function(m, doc)
          local person = doc:span_at(m.captures.person, "PERSON")
          local role = doc:span_at(m.captures.role, "ROLE")
          if person and role then m:link(person, "holds", role) end
        end },
} }
