"""Word banks and proportions for the demo council: invented people and places only.

Proportions are loosely modelled on published figures for children with EHC plans in England
(DfE "Special educational needs in England"): most are of school age, autism is the commonest
primary need, and about a third are from ethnic minorities (every group except White British).
"""

# DfE school-census main code -> weight (per cent of children). Minorities come to about 35% of
# the known codes; REFU, NOBT and None (blank) are the unknowns.
ETHNICITY_WEIGHTS: dict[str | None, float] = {
    "WBRI": 61.0,
    "WIRI": 0.6,
    "WIRT": 0.4,
    "WROM": 0.8,
    "WOTH": 6.0,
    "MWBC": 2.0,
    "MWBA": 0.9,
    "MWAS": 1.6,
    "MOTH": 2.2,
    "AIND": 2.3,
    "APKN": 4.5,
    "ABAN": 1.6,
    "AOTH": 1.6,
    "BCRB": 1.0,
    "BAFR": 4.0,
    "BOTH": 0.8,
    "CHNE": 0.4,
    "OOTH": 2.1,
    "REFU": 0.6,
    "NOBT": 0.6,
    None: 1.8,
}

# How likely a family is to answer, relative to White British families: lower for some groups,
# so that the representativeness pages have something to show.
RESPONSE_FACTOR: dict[str | None, float] = {
    "WBRI": 1.0,
    "WIRI": 0.95,
    "WIRT": 0.45,
    "WROM": 0.5,
    "WOTH": 0.8,
    "MWBC": 0.85,
    "MWBA": 0.85,
    "MWAS": 0.9,
    "MOTH": 0.9,
    "AIND": 0.95,
    "APKN": 0.7,
    "ABAN": 0.65,
    "AOTH": 0.8,
    "BCRB": 0.75,
    "BAFR": 0.6,
    "BOTH": 0.7,
    "CHNE": 0.85,
    "OOTH": 0.7,
    "REFU": 0.55,
    "NOBT": 0.6,
    None: 0.6,
}

# Shift in the latent satisfaction of a response (0 = as White British families).
MOOD_SHIFT: dict[str, float] = {"WIRT": -0.3, "WROM": -0.3, "BAFR": -0.25, "BCRB": -0.2, "BOTH": -0.2, "APKN": -0.1}

# Invented towns of the fictional county of Northshire; the first two are the most diverse.
LOCALITIES: dict[str, tuple[float, float]] = {  # name -> (weight for White British, weight for others)
    "Calderwick": (18, 38),
    "Brackenholm": (22, 30),
    "Easterfold": (20, 12),
    "Harrowmere": (16, 9),
    "Wyvern Cross": (14, 7),
    "Lowmarsh": (10, 4),
}

PRIMARY_NEEDS: dict[str, float] = {
    "ASD": 32.0,
    "SEMH": 15.0,
    "SLCN": 16.0,
    "MLD": 8.0,
    "SLD": 6.0,
    "PMLD": 1.5,
    "SPLD": 4.0,
    "HI": 2.0,
    "VI": 1.0,
    "MSI": 0.3,
    "PD": 4.0,
    "OTH": 3.0,
}

# Age today (years) -> weight: mostly school age, few under 3 or over 21.
AGE_WEIGHTS = (0.2, 0.5, 1.2, 2.2, 3.0, 4.0, 4.6, 5.0, 5.4, 5.6, 5.8, 6.0, 6.0)
AGE_WEIGHTS += (5.8, 5.6, 5.4, 4.8, 4.2, 3.6, 2.8, 2.0, 1.4, 1.0, 0.7, 0.5, 0.3)

PHASES = ((5, "Early years"), (11, "Primary"), (16, "Secondary"), (19, "Post-16"), (26, "Post-19"))

# Given names and family names by heritage: (given names, family names).
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "british": (
        ("Olivia", "Amelia", "Isla", "Freya", "Lily", "Grace", "Poppy", "Evie", "Ruby", "Daisy", "Sophie", "Ella")
        + ("Jack", "Oliver", "Harry", "George", "Noah", "Leo", "Alfie", "Charlie", "Thomas", "Archie", "Oscar")
        + ("Riley", "Mason", "Tyler", "Karen", "Claire", "Emma", "Gemma", "Lisa", "Mark", "Paul", "Steven", "Dean"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Robinson", "Thompson", "Hughes")
        + ("Edwards", "Green", "Hall", "Wood", "Harris", "Turner", "Hill", "Moore", "Cooper", "Baker", "Marshall")
        + ("Fletcher", "Barker", "Holmes", "Atkinson", "Dixon", "Shaw", "Booth", "Pearson", "Lawson"),
    ),
    "irish": (
        ("Aoife", "Ciara", "Niamh", "Siobhan", "Bridget", "Sean", "Liam", "Conor", "Patrick", "Declan", "Martin"),
        ("Murphy", "O'Brien", "Kelly", "Byrne", "Ryan", "Doyle", "McDonagh", "Connors", "Quinn", "Maguire"),
    ),
    "european": (
        ("Jakub", "Zuzanna", "Kacper", "Oliwia", "Andrei", "Ioana", "Mihai", "Elena", "Lukas", "Ana", "Marco")
        + ("Sofia", "Tomasz", "Agnieszka", "Darius", "Roxana", "Milan", "Katarina"),
        ("Kowalski", "Nowak", "Wisniewski", "Popescu", "Ionescu", "Horvath", "Kaminski", "Rossi", "Silva")
        + ("Balog", "Lakatos", "Dumitru", "Petrov", "Novak", "Ferreira"),
    ),
    "caribbean": (
        ("Jayden", "Tiana", "Marcus", "Shanice", "Kemar", "Aaliyah", "Dwayne", "Monique", "Jerome", "Keisha"),
        ("Campbell", "Francis", "Grant", "Williams", "Henry", "Johnson", "Clarke", "Bailey", "Gordon", "Reid"),
    ),
    "african": (
        ("Chidi", "Amara", "Kwame", "Ama", "Tolu", "Abdi", "Hodan", "Fatuma", "Chinedu", "Efua", "Ayo", "Zainab")
        + ("Kofi", "Ngozi", "Samuel", "Grace", "Emmanuel", "Blessing"),
        ("Okafor", "Mensah", "Adeyemi", "Osei", "Abdi", "Mohamed", "Hassan", "Okonkwo", "Boateng", "Nwosu")
        + ("Diallo", "Asante", "Warsame", "Adebayo"),
    ),
    "indian": (
        ("Arjun", "Priya", "Aarav", "Anika", "Rohan", "Diya", "Ishaan", "Kavya", "Harpreet", "Manpreet", "Sunil"),
        ("Patel", "Sharma", "Singh", "Kaur", "Gill", "Mistry", "Desai", "Sandhu", "Chauhan", "Parmar"),
    ),
    "pakistani": (
        ("Muhammad", "Ayesha", "Zain", "Maryam", "Ibrahim", "Hamza", "Fatima", "Aliyah", "Yusuf", "Zara", "Imran")
        + ("Nadia", "Bilal", "Sana"),
        ("Khan", "Hussain", "Ahmed", "Akhtar", "Iqbal", "Butt", "Malik", "Raza", "Shah", "Mahmood", "Aslam"),
    ),
    "bangladeshi": (
        ("Ayaan", "Nusrat", "Rahim", "Sumaiya", "Tanvir", "Farhana", "Rafi", "Jannat", "Arif", "Shirin"),
        ("Rahman", "Miah", "Begum", "Uddin", "Islam", "Chowdhury", "Ali", "Hoque", "Karim"),
    ),
    "other_asian": (
        ("Tharshan", "Nisha", "Roshan", "Dilani", "Prakash", "Maya", "Suman", "Anjali", "Bikash", "Kamala"),
        ("Gurung", "Perera", "Rai", "Fernando", "Thapa", "Sivakumar", "Tamang", "Jayasuriya"),
    ),
    "chinese": (
        ("Wei", "Mei", "Jun", "Lin", "Hao", "Yan", "Chloe", "Ethan", "Ka Wai", "Xin"),
        ("Chen", "Wang", "Li", "Zhang", "Wong", "Liu", "Lam", "Cheung", "Ho"),
    ),
    "other": (
        ("Omar", "Layla", "Ali", "Noor", "Dara", "Rojin", "Karim", "Yasmin", "Minh", "Linh", "Hana", "Reza"),
        ("Haddad", "Karimi", "Hosseini", "Nguyen", "Abdullah", "Rashid", "Mansour", "Tran", "Ahmadi", "Saleh"),
    ),
}

# Which name banks a child of each code draws from: the first for the given name, the second
# for the family name (mixed heritage draws from both).
HERITAGE: dict[str | None, tuple[str, str]] = {
    "WBRI": ("british", "british"),
    "WIRI": ("irish", "irish"),
    "WIRT": ("irish", "irish"),
    "WROM": ("european", "european"),
    "WOTH": ("european", "european"),
    "MWBC": ("caribbean", "british"),
    "MWBA": ("african", "british"),
    "MWAS": ("british", "pakistani"),
    "MOTH": ("other", "british"),
    "AIND": ("indian", "indian"),
    "APKN": ("pakistani", "pakistani"),
    "ABAN": ("bangladeshi", "bangladeshi"),
    "AOTH": ("other_asian", "other_asian"),
    "CHNE": ("chinese", "chinese"),
    "BCRB": ("caribbean", "caribbean"),
    "BAFR": ("african", "african"),
    "BOTH": ("caribbean", "african"),
    "OOTH": ("other", "other"),
}

# Preferred language other than English, for some parents: code -> (share, languages).
LANGUAGES: dict[str, tuple[float, tuple[str, ...]]] = {
    "APKN": (0.15, ("Urdu", "Punjabi")),
    "ABAN": (0.25, ("Bengali", "Sylheti")),
    "BAFR": (0.12, ("Somali", "Arabic", "French")),
    "WOTH": (0.18, ("Polish", "Romanian", "Portuguese")),
    "WROM": (0.3, ("Romanian", "Slovak")),
    "OOTH": (0.2, ("Arabic", "Kurdish", "Farsi", "Vietnamese")),
    "CHNE": (0.2, ("Cantonese", "Mandarin")),
}

# Free text, "What went well?": one to three of these make an answer.
PRAISE = (
    "Communication from the SEND team was clear and I always knew what was happening next.",
    "Emails were answered quickly, usually within a day or two.",
    "I was kept updated at every stage, which made a stressful time easier.",
    "The letters explained the process in plain language.",
    "The plan was finished within the 20 weeks, which I did not expect.",
    "Everything happened on time and the draft plan arrived when we were told it would.",
    "The review was booked well in advance so we could plan around it.",
    "Our caseworker was kind, patient and really listened.",
    "The caseworker took time to go through each section of the plan with me.",
    "Having one named person to contact made a big difference.",
    "Calls were returned promptly and everything promised was followed up.",
    "The speech and language therapy advice was detailed and practical.",
    "The occupational therapy report really captured how my child manages day to day.",
    "Health professionals came to the meeting and their advice is now in the plan.",
    "The paediatrician's report helped everyone understand my child's needs.",
    "Home to school transport was sorted quickly once the plan was agreed.",
    "The transport team found a driver and escort my child is comfortable with.",
    "School staff know my child well and what they wrote was spot on.",
    "The SENCO was brilliant and prepared everything before the meeting.",
    "The new school was named quickly and the move has gone smoothly.",
    "Nursery staff were involved from the start and made sure nothing was missed.",
    "Social care came to the review and we finally have short breaks in place.",
    "The family support worker helped us through the whole process.",
    "The review meeting was relaxed and my child was able to say what they wanted.",
    "Everyone at the review had read the reports beforehand, so no time was wasted.",
    "It was good to look back at the year and see how much progress has been made.",
    "The meeting focused on what my child can do, not only on the difficulties.",
    "The plan describes my child accurately; it reads as if it was written by people who know them.",
    "The outcomes are specific and we can see how progress will be measured.",
    "The provision is clearly set out, so school knows exactly what to do.",
    "Our views and our child's views are in the plan in our own words.",
    "I felt listened to throughout.",
    "It was much better than our experience a few years ago.",
    "The whole process felt like a partnership.",
    "Thank you for the support, it has made a real difference to our family.",
    "The preparation for adulthood section helped us think about college.",
)

# Free text, "What could we have done better?".
COMPLAINTS = (
    "It was very hard to get hold of anyone; emails went unanswered for weeks.",
    "Nobody told us the caseworker had changed until we chased it.",
    "Letters were full of jargon and I had to ask for help to understand them.",
    "Please keep families updated, even when there is nothing new to say.",
    "I would have liked the information in my own language.",
    "The plan took far longer than 20 weeks and my child was without support in the meantime.",
    "The final plan arrived just before the end of term, too late to plan the move to secondary school.",
    "The amended plan after the review still has not been issued months later.",
    "We were given very short notice of the review meeting.",
    "We had three different caseworkers in one year and had to repeat our story every time.",
    "The caseworker did not seem to have read the reports before the meeting.",
    "Calls were not returned and I felt like a nuisance for chasing.",
    "The speech and language therapy in the plan is not being delivered.",
    "We waited over a year for an occupational therapy assessment.",
    "Health advice was missing from the draft plan and had to be added later.",
    "Mental health services were not involved even though this is my child's biggest need.",
    "Transport was not in place for the start of term, so I had to drive every day.",
    "The journey to school takes over an hour each way, which is too long for my child.",
    "Transport staff kept changing and my child found it very unsettling.",
    "School do not follow the plan and nobody checks that they do.",
    "We were not consulted about the school named in the plan.",
    "The setting could not meet my child's needs and it took months to find somewhere else.",
    "My child was on a reduced timetable for most of the year.",
    "Social care did not come to the review despite being invited.",
    "Short breaks were discussed but nothing has happened since.",
    "The social care section of the plan is out of date.",
    "The review felt rushed and there was no time to talk about what matters to us.",
    "Reports were sent the night before the meeting, so I could not read them properly.",
    "My child was not invited to the part of the meeting that was about them.",
    "Nothing agreed at the last review actually happened.",
    "The plan is vague: it says 'access to' support rather than how much and how often.",
    "Parts of the plan had been copied from another child's plan and had the wrong details.",
    "The outcomes are too general to measure any progress.",
    "My views were summarised so briefly that they lost their meaning.",
    "The plan still describes my child as they were two years ago.",
    "Parents should not have to fight this hard for support that is needed.",
    "The process is stressful and confusing for families who have not been through it before.",
    "A single point of contact would make a huge difference.",
)

# A handful of answers that suggest a child may be at risk, so that the demo shows safeguarding alerts.
WORRIES = 3  # "could be better" answers from parents and carers given one of these (feedback/demo/casework.py)
SAFEGUARDING_WORRIES = (
    "He has come home with bruises twice this term and nobody at school can tell me how.",
    "Staff restrained her on the floor last week and I was only told days later.",
    "He keeps saying he does not want to be alive any more and we are still waiting for CAMHS.",
)

YOUNG_PERSON_PRAISE = (
    "People listened to me.",
    "I liked having my teacher there.",
    "I could say what I wanted.",
    "The meeting was short and friendly.",
    "We talked about college.",
    "I liked seeing my work.",
    "I had a drink and a break.",
    "I got to choose where to sit.",
    "We talked about getting a job.",
    "I felt happy after.",
)

YOUNG_PERSON_COMPLAINTS = (
    "It was too long.",
    "There were too many people.",
    "I did not know everyone there.",
    "People talked about me, not to me.",
    "I want to talk about my future more.",
    "The words were hard.",
    "I was nervous.",
    "I want to help write my plan.",
    "Nobody asked me about college.",
    "I want to meet somewhere quieter.",
)

CALL_NOTES = {
    "no_answer": ("Left a voicemail.", "No answer, no voicemail.", "Phone rang out."),
    "declined": ("Parent said they were happy and did not want to answer.", "Did not want to take part."),
    "wrong_number": ("Number not recognised by the person who answered.", "Number not in service."),
    "answered": ("Answers taken on the phone.", "Answered the survey on the phone."),
}
