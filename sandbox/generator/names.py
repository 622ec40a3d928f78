"""Name material for people and companies: (display, ascii) pairs so e-mails stay ASCII.

Displays include accents, CJK, an emoji and a zero-width space: the mess real CRMs hold.
"""

from __future__ import annotations

FIRST = (("Ana", "ana"), ("José", "jose"), ("Chloé", "chloe"), ("Søren", "soren"),
         ("Zoë", "zoe"), ("Björn", "bjorn"), ("Łukasz", "lukasz"), ("François", "francois"),
         ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"),
         ("Michael", "michael"), ("Linda", "linda"), ("David", "david"), ("Sarah", "sarah"),
         ("Daniel", "daniel"), ("Emma", "emma"), ("Priya", "priya"), ("Rahul", "rahul"),
         ("Wei", "wei"), ("Yuki", "yuki"), ("Hiroshi", "hiroshi"), ("Min-jun", "minjun"),
         ("Olusegun", "olusegun"), ("Fatima", "fatima"), ("Mohammed", "mohammed"),
         ("Ingrid", "ingrid"), ("Mateo", "mateo"), ("Lucía", "lucia"), ("Noah", "noah"),
         ("Olivia", "olivia"), ("Liam", "liam"), ("Sofia", "sofia"), ("Aarav", "aarav"),
         ("美咲", "misaki"), ("伟", "wei"), ("Sam 🚀", "sam"), ("Ann\u200be", "anne"),
         ("Renée", "renee"), ("Thomas", "thomas"), ("Elena", "elena"), ("Kwame", "kwame"),
         ("Nguyễn", "nguyen"), ("Ava", "ava"), ("Jonas", "jonas"), ("Chiara", "chiara"))
LAST = (("López", "lopez"), ("Müller", "muller"), ("Smith", "smith"), ("Johnson", "johnson"),
        ("Williams", "williams"), ("Brown", "brown"), ("Jones", "jones"), ("García", "garcia"),
        ("Martin", "martin"), ("Dubois", "dubois"), ("Rossi", "rossi"), ("Kowalski", "kowalski"),
        ("Nowak", "nowak"), ("Jensen", "jensen"), ("Andersson", "andersson"), ("O'Brien", "obrien"),
        ("Patel", "patel"), ("Sharma", "sharma"), ("Chen", "chen"), ("Wang", "wang"),
        ("Tanaka", "tanaka"), ("Sato", "sato"), ("Kim", "kim"), ("Park", "park"),
        ("Okafor", "okafor"), ("Mensah", "mensah"), ("Haddad", "haddad"), ("Silva", "silva"),
        ("Santos", "santos"), ("Nguyen", "nguyen"), ("van der Berg", "vanderberg"),
        ("Schröder", "schroder"), ("Ødegaard", "odegaard"), ("Çelik", "celik"),
        ("山田", "yamada"), ("李", "li"), ("Taylor", "taylor"), ("Moore", "moore"),
        ("Clarke", "clarke"), ("Fischer", "fischer"), ("Ivanova", "ivanova"), ("Novák", "novak"))
COMPANY_A = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
             "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp", "Aperture",
             "Nakatomi", "Massive", "Pied Piper", "Blue Sun", "Monarch", "Northwind", "Contoso",
             "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Lucerne", "Margie",
             "Alpine", "Coho", "Fourth Coffee", "Wide World", "Woodgrove", "Bluebird", "Zenith")
COMPANY_B = ("Labs", "Systems", "Analytics", "Logistics", "Health", "Foods", "Energy", "Robotics",
             "Capital", "Media", "Software", "Works", "Dynamics", "Networks", "Bio", "Retail")
COMPANY_SUFFIX = ("Inc.", "GmbH", "Ltd", "S.A.", "K.K.", "BV", "LLC", "AB", "Pty Ltd", "")
TLDS = ("com", "io", "co", "de", "fr", "co.uk", "jp", "com.au", "nl", "se", "ai")
INDUSTRIES = ("Technology", "Finance", "Healthcare", "Retail", "Manufacturing", "Education",
              "Media", "Energy", "Transportation", "Consulting")
# HubSpot's `industry` company property uses enumerated upper-case values
HS_INDUSTRY = {"Technology": "COMPUTER_SOFTWARE", "Finance": "FINANCIAL_SERVICES",
               "Healthcare": "HOSPITAL_HEALTH_CARE", "Retail": "RETAIL",
               "Manufacturing": "MACHINERY", "Education": "EDUCATION_MANAGEMENT",
               "Media": "ONLINE_MEDIA", "Energy": "OIL_ENERGY",
               "Transportation": "LOGISTICS_AND_SUPPLY_CHAIN",
               "Consulting": "MANAGEMENT_CONSULTING"}
REGIONS = ("NA", "EMEA", "APAC")
REGION_P = (0.5, 0.32, 0.18)
COUNTRIES = {"NA": ("United States", "Canada"),
             "EMEA": ("United Kingdom", "Germany", "France", "Netherlands", "Sweden"),
             "APAC": ("Japan", "Australia", "Singapore", "India")}
JOB_TITLES = ("Marketing Manager", "VP Sales", "Head of RevOps", "Data Analyst", "CTO",
              "Software Engineer", "Founder", "Growth Lead", "Student", "Operations Director")
PERSONAS = ("marketing_leader", "sales_leader", "revops", "data_team", "executive", "other")
REPS = (("Alex", "Rivera"), ("Jordan", "Lee"), ("Morgan", "Okoro"), ("Casey", "Novak"),
        ("Taylor", "Brandt"), ("Riley", "Sato"), ("Jamie", "Costa"), ("Avery", "Lindqvist"),
        ("Quinn", "Murphy"), ("Reese", "Kaur"), ("Drew", "Haddad"), ("Skyler", "Nakamura"))
FORMS = ("Demo request", "Contact us", "Ebook: The Funnel Handbook", "Webinar registration",
         "Newsletter sign-up", "Free trial")
CAMPAIGN_THEMES = (("Webinar", "Webinar: Pipeline Hygiene"), ("Email", "Nurture: Funnel Basics"),
                   ("Advertisement", "Google Ads: Brand"), ("Trade Show", "SaaStr Booth"),
                   ("Conference", "RevOps Summit"), ("Referral Program", "Partner Referrals"),
                   ("Direct Mail", "Direct Mail: Playbook"), ("Banner Ads", "LinkedIn Ads"))
