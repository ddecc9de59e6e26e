"""Configuration classes, chosen by FEEDBACK_CONFIG (development, test, production)."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(default: str) -> str:
    """DATABASE_URL, read when the app is created (not at import), with the psycopg 3 driver for PostgreSQL."""
    url = os.environ.get("DATABASE_URL") or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_json(name: str, default: dict) -> dict:
    value = os.environ.get(name)
    return json.loads(value) if value else dict(default)


# ---- Insight word lists (issue 7). Written in the pattern language of feedback/insight/text/patterns.py:
# a word matches its regular forms (call: calls, called, calling), "therap*" any ending, "a|b" one word of
# several, "(a b|c)" one phrase of several, "<group>" one phrase of a group below, "..." up to four words in
# between (within a sentence). After changing a list, run `flask --app wsgi analyse` to recompute every
# stored response. Kept out of the formatter: one line per idea reads better than one per phrase.
# fmt: off
TEXT_WORD_GROUPS: dict[str, list[str]] = {
    # who may be harmed: the object of a verb ("grabbed him", "slapped my daughter")
    "victim": [
        "him|her|them",
        "my|our son|daughter|child|children|boy|girl|kid|kids|grandson|granddaughter|stepson|stepdaughter",
        "the|a|another|other child|children|pupil|pupils|boy|girl|kids",
        "his|her|their|my|our brother|sister|sibling|siblings",
    ],
    "anyone": ["<victim>", "me|us"],  # with the parent too ("he hits me": violence at home)
    "child": ["he|she|they", "my|our son|daughter|child|boy|girl|kid|grandson|granddaughter", "the child"],
    "passive": ["was|were|is|are|been|being|be|get|gets|got|getting|gotten"],
    "self": ["himself|herself|themselves|themself|myself|yourself"],
    "their": ["his|her|their|my"],
    "nobody": ["nobody|noone", "no one", "no body"],  # "no-one" is read as "no one"
    "count": [
        "2|3|4|5|6|8|10|12|14|15|16|18|20|24|26|30|52",
        "two|three|four|five|six|eight|ten|twelve|fifteen|sixteen|eighteen|twenty|several|many",
    ],
    # violence done to someone; each word brings its regular forms (punch: punched, punching)
    "violence": [
        "hit|punch|kick|slap|smack|shove|push|grab|pinch|bite|bit|bitten|strangle|choke|throttle|beat|beaten",
        "drag|throw|threw|thrown|shake|shook|shaken|stab|headbutt|trip|spit|spat|attack|assault|burn|burnt",
        "scald|injure|hurt|harm|bully|bullied|threaten",
    ],
    # done to a part of the body ("twisted his arm")
    "grip": ["grab|twist|squeeze|pull|yank|bend|bent|hit|punch|kick|slap|pinch|scratch|stamp|sat|knelt|kneel"],
    "body": [
        "arm|arms|wrist|wrists|neck|hair|ear|ears|leg|legs|face|head|throat|hand|hands|back|chest|skin|finger|fingers",
    ],
    "injury": ["scar|scars|scarring|burn|burns|scald|scalds|mark|marks|bite|bites|lump|graze|grazes|wound|welt"],
    "kept_in": ["room|cupboard|box|cage|corridor|tent|booth|toilet"],
}

THEME_WORDS: dict[str, list[str]] = {
    "communication": [
        "communicat*", "call", "phone", "phoned", "telephone", "rang", "ring back", "voicemail", "email",
        "e mail", "letter", "text", "message", "<passive> told", "(not|never|<nobody>) ... told|tell",
        "told us", "tell us|me", "telling us|me", "inform*", "update", "explain*", "in the dark", "in the loop",
        "get|got|getting hold of", "heard nothing", "heard back", "hear back", "reply", "replied", "respond",
        "answer", "unanswered", "jargon", "plain english|language", "own language", "paperwork", "the minutes",
        "information", "find out", "found out", "chase", "contact",
    ],
    "timeliness": [
        "late", "lateness", "delay*", "wait", "too long", "so long", "long time", "took|take|taking|takes ... long",
        "took|take|taking|takes ... ages|forever|weeks|months|years|days", "<count> weeks", "deadline",
        "timescale", "time limit", "time frame", "timeframe", "on time", "in time", "overdue", "quicker",
        "faster", "sooner", "slow", "slowly", "prompt", "promptly", "quickly", "swift*", "short notice",
        "last minute", "night|day|days|week before", "in advance", "earlier",
    ],
    "caseworker": [
        "caseworker", "case worker", "case officer", "case manager", "casework*", "coordinator",
        "co ordinator", "officer", "named person|worker|contact", "key worker", "keyworker", "point of contact",
        "in|from the send|sen|ehc|ehcp team",
    ],
    "review_meeting": [
        "review", "meeting", "the minutes", "agenda", "chair", "chaired", "chairing", "chairperson", "invite",
        "invitation", "attend", "professionals", "came|come prepared", "around the table",
    ],
    "plan_quality": [
        "section", "outcome", "target", "provision", "copied", "copy and paste", "cut and paste",
        "someone else's", "another child's", "wrong name|names|details|child|information", "vague", "woolly",
        "generic", "specific", "measur*", "quantif*", "accurate", "accurately", "inaccurate", "describe",
        "reflect", "reads like|as", "out of date", "outdated", "the|my|his|her|our plan says|said|states",
        "wording", "quality", "detailed",
    ],
    "school_or_setting": [
        "school", "schooling", "teacher", "headteacher", "head teacher", "teaching assistant", "senco",
        "sendco", "nursery", "college", "setting", "class", "classroom", "classmate", "pupil", "staff",
        "lesson", "timetable", "exclude", "exclusion", "education", "academy", "playground", "placement",
        "seclusion", "isolation room|booth", "sixth form", "unit",
    ],
    "health_and_therapies": [
        "health", "therap*", "speech and language", "salt", "slt", "physio*", "occupational", "ot", "camhs",
        "paediatric*", "pediatric*", "nurse", "nursing", "gp", "doctor", "hospital", "clinic", "clinical",
        "medical", "medicat*", "medicine", "psychiatr*", "diagnos*", "wheelchair", "nhs", "audiolog*",
        "dietitian", "continence", "tablets", "overdose",
    ],
    "social_care": [
        "social care", "social work*", "social services", "children's services", "short break", "respite",
        "family support", "early help", "child in need", "child protection", "care package", "direct payment",
        "personal budget", "personal assistant", "foster*", "looked after", "care home",
    ],
    "transport": [
        "transport*", "taxi", "bus", "buses", "minibus", "bus pass", "driver", "escort", "travel*", "journey",
        "drive", "driving", "driven", "drove", "school run", "passenger assistant", "each way", "route",
    ],
}
# Blanked before themes are looked for: phrases with a theme's word that are not about the theme.
THEME_EXCLUDE: list[str] = [
    "after school club|clubs|care", "education health and care", "ehc|ehcp plan|plans", "parent carer|carers",
    "eye contact", "target|goal setting", "specific learning difficulty|difficulties",
    "developmental|speech|language|global delay",
]

# Phrases common in SEND complaints: any one makes a concern (DESIGN section 8).
CONCERN_PHRASES: list[str] = [
    # nobody answering, listening, telling
    "<nobody>", "never ... return|reply|replied|respond|answer|call|ring|rang|get|got|hear|heard|had|received",
    "not|never ... listen|listened", "not|never ... (return|reply|replied|respond|answer|heard back|get back)",
    "not|never ... (call back|ring back)", "unanswered", "heard nothing", "ignore", "in the dark",
    "no reply|response|answer|contact|update|updates|information|explanation|idea|say|choice",
    "had to chase", "chasing", "get|got|getting hold of",
    "not|never ... told|informed|updated|consulted|involved|asked|invited|offered|explained",
    "without ... ask|asking|tell|telling|consult|consulting|inform|informing|involving",
    "without ... agreement|consent|warning|notice",
    # not happening, not delivered
    "not ... (had|received|happened|started|sorted|done|delivered|provided|implemented|followed|issued)",
    "not ... (in place|attend|attended|there|present|at the meeting|at the review|turn up|show up|come|came)",
    "not a single", "still ... not|no|waiting", "still describes|says|refers|lists|mentions|shows",
    "nothing ... changed|happened|done|improved|moved",
    "rolled over", "same targets|outcomes", "<passive> (reduced|cut|withdrawn|removed|stopped|taken away)",
    "has|have|had stopped", "had no", "with no", "there is|was|are|were no",
    "no funding|money|support|help|education|provision|place|hours|therapy|sessions|progress",
    "out of school|education", "missing education", "(reduced|part time) timetable", "excluded", "exclusion",
    "refuse|refuses|refused to",
    # too slow
    "late", "delay*", "overdue", "too long", "so long", "far longer", "longer than", "waiting list",
    "took|take|takes|taking ... ages|forever|weeks|months|years",
    "took|take|takes|taking ... <count> (calls|phone calls|emails|attempts|tries|letters|goes)",
    "wait ... (ages|forever|weeks|months|years|over|more than)", "short notice", "last minute",
    "night|day before the meeting|review", "no time", "ran out of time", "rushed", "too many|few|little|much",
    "too complicated|complex|hard|difficult|far|slow|short|general|vague|stressful|busy|noisy|big|small",
    "could|should|would ... (have been|be) ... better|quicker|faster|sooner|clearer|earlier|more",
    "could|should|would ... (have been|be) ... done|sent|told|invited|informed|consulted|involved",
    # having to push
    "had|have|having|has to", "should not (have|need) to", "beg", "begged", "repeat", "dead end", "brick wall",
    "round in circles", "pillar to post",
    # staff turnover
    "changed ... times", "keep|keeps|kept changing", "changed again",
    "<count>|different ... caseworkers|officers|workers|people|coordinators",
    "new caseworker|officer|coordinator every",
    # the plan's quality
    "copied", "copy and paste", "cut and paste", "someone else's", "another child's", "wrong", "incorrect",
    "inaccurate", "out of date", "outdated", "vague", "generic", "woolly", "meaningless", "impossible", "unclear",
    "confus*", "jargon", "not (specific|measurable|clear|accurate|good enough|fit for purpose)",
    # how it felt
    "nuisance", "burden", "fobbed off", "fob off", "brushed off", "dismissive", "dismissed", "patronis*",
    "rude", "unprofessional", "let down", "let us|me|him|her down", "fail*", "useless", "shambles", "disgrace*",
    "appalling", "awful", "terrible", "horrendous", "dreadful", "shocking", "poor", "disappoint*", "frustrat*",
    "exhaust*", "angry", "furious", "fed up", "given up", "gave up", "give up", "lost faith|trust",
    "nightmare", "a joke", "worse", "unacceptable", "unfair", "chao*", "disorganised", "unprepared",
    "not prepared", "not read", "tick box", "tokenistic", "waste of time", "kicked off",
    # disputes
    "tribunal", "ombudsman", "complaint", "complain", "solicitor", "mediation", "judicial review",
    # pleas
    "please can|could|would|will|just|make|keep|stop|start|answer|listen|do|give|send|tell|let",
    "please ensure|consider|learn|improve",
]
# Weak signs of a complaint: a concern unless the text is clearly positive (CONCERN_CUE_POLARITY).
CONCERN_CUES: list[str] = [
    "not", "never", "nothing", "no", "without", "even though", "despite", "at all", "wait", "fight", "fought",
    "battle", "push for", "pushed for", "worried about",
]
# Blanked before concern phrases are looked for: praise written with a negation, and the like.
CONCERN_EXCLUDE: list[str] = [
    "no problem|problems|issue|issues|complaint|complaints|concern|concerns|worries|trouble",
    "nothing ... (complain|fault|add|to improve|too much trouble)",
    "(not|never|<nobody>) ... (fault|faulted|complain|complaints)",
    "not ... have|be ... (better|more|kinder|happier|easier|nicer|more helpful)",
    "not ... have|be ... (asked for more|done more|wished for more)",
    "<nobody> ... could|would ... have|be ... (better|more|kinder|happier|easier|nicer|more helpful|done more)",
    "(did|do|does) not (have|need) to ... chase|wait|fight|ask|push|repeat",
    "never (had|have|needed|need) to ... chase|wait|fight|ask|push|repeat",
    "(not|never) ... (expected|expect|thought|imagined|felt so|been so|had such|knew)",
    "took|take|takes ... (only|just|less than|under|no time)",
    "could have been worse", "only had to", "have to say", "no need", "did not have to", "no harm", "not only",
    "no time ... wasted|lost|waste", "in no time", "developmental|speech|language|global delay", "can not wait",
    "(nothing|not ... anything) ... (to add|to say|else|more)",
    # "What could we have done better?" answered with nothing to say
    "^(no|nothing|none|nope|not really|nothing really|nothing else|nothing more|no comment|no comments|n a)$",
    "^(no thanks|no thank you|not at the moment|nothing at the moment|nothing at this time|nothing at all)$",
    "^(not that i can think of|can not think of anything|i can not think of anything|nothing i can think of)$",
]

# Text that suggests a child may be at risk of harm, by kind. Recall comes first: when in doubt, alert.
SAFEGUARDING_PHRASES: dict[str, list[str]] = {
    "physical_harm": [
        "bruis*", "injur*", "black eye", "broken arm|leg|wrist|nose|bone|finger|ribs",
        "cut|split|fat|swollen|bleeding lip|lips|head|face|nose", "scratch*", "bleed*", "blood", "hurt", "harm",
        "harmed", "harmful", "<injury> on|to|across|over <their>|him|her", "bite|hand|finger|slap mark|marks",
        "left a mark|marks|bruise|bruises", "<grip> <their> <body>", "<violence> <anyone>", "<passive> <violence>",
        "assault*", "violen*", "stab*", "knife", "knives", "weapon*", "threaten* to|with", "bully", "bullies",
        "bullied", "bullying", "manhandl*", "shout|scream|yell|swear|swore at <victim>", "tied <victim> to|up|down",
        "(taken|rushed|ended up|admitted) ... hospital", "police", "kill|killed|killing <victim>",
        "(would|will|going to|threatened to|threatens to) kill", "hearing voices", "stranger*",
        "follow|followed|following|follows <victim> home|from", "humiliat*", "cigarette burn*", "burn mark|marks",
        "<victim> names|stupid|thick|retard|retarded",
    ],
    "restraint": [
        "restrain*", "restraint", "<passive> held|pinned down", "physical interven*", "restrictive interven*",
        "positive handling", "physically ... moved|removed|handled|carried|dragged|restrained|held",
        "hold|held|holding|holds|pin|pinned|pinning <victim> ... (down|to the|against|on the floor|on the ground)",
        "sit|sat|sitting|kneel|knelt|lay|lie|lying <victim> ... (down|on the floor|on the ground)",
        "strap|strapped|strapping|tie|tied|tying <victim>|into|in|down", "punish*", "seclu*",
        "isolation room|booth", "keep|keeps|kept|put|puts|putting|shut|locked <victim> in|into ... <kept_in>",
        "made|make|makes|making <victim> stand|sit|wait|stay ... (outside|alone|in the rain|in the cold)",
        "outside in the rain|cold|dark", "stranded", "lock|shut <victim> in|out|away|up|inside|outside",
        "<passive> locked in|out", "locked ... <kept_in>", "padded room",
    ],
    "self_harm": [
        "self harm*", "selfharm*", "harm|hurt|cut|cuts|cutting|injure|burn|kill|starve|hang|strangle <self>",
        "cut|cuts|cutting|scratch|scratching|burn|burning|pick|picking <their> <body>", "suicid*",
        "end|ending|take|taking <their> life", "end|ending|take|taking <their> own life",
        "want|wants|wanted|wanting|wish|wishes|wished|going ... to die", "better off dead",
        "wish|want|rather|better off ... dead", "<passive> dead", "dead body", "die", "no reason to live",
        "not worth living", "not ... (want to live|want to exist|want to be alive|want to be here)",
        "not ... (want to wake up|want to be born)", "overdos*", "jump off", "jump in front",
        "jump|jumped|jumping|jumps (out of|off|from)", "hear|hears|hearing voices", "end it all", "end things",
        "eating disorder", "anorexi*", "bulimi*",
        "stopped|not|refuses|refusing|refused ... (eating|to eat|drinking|to drink)", "lost ... weight",
        "hate|hates|hated|hating <self>", "hate|hates|hated|hating <their> body|life",
    ],
    "sexual_harm": [
        "sexual*", "touch* inappropriate*", "inappropriate* touch*", "touch|touched|touching <victim>",
        "touched ... in a way", "kiss*", "private parts", "privates", "groom*", "secret", "indecent*", "nude",
        "naked", "porn*", "rape", "raped", "molest*", "pervert*", "paedophil*", "pedophil*", "sexting",
        "inappropriate* messages|pictures|photos|relationship|contact|behaviour", "expos* <self>",
        "asking|asked|ask|asks for photos|pictures|images|videos|selfies", "adult|older|grown man|men|male|males",
    ],
    "neglect": [
        "neglect*", "unsupervised", "unattended",
        "leave|left|leaves|leaving <victim> ... (alone|unattended|unsupervised|outside|behind|on <their> own)",
        "<passive> left ... (alone|unattended|unsupervised|behind|on <their> own)", "not ... fed|bathed|washed",
        "no food", "not enough food", "enough to eat", "hungry", "starv*", "malnourish*", "unwashed", "soiled",
        "wet|dirty pad|pads|nappy|nappies", "own urine|wee|poo", "go|goes|went|gone|going missing",
        "<passive> reported missing", "<passive> missing from school|home|class|college",
        "ran|run|runs|running away", "abscond*", "found wandering", "wandered off", "escaped", "drunk",
        "ran|run|runs|running|got|gets|get out of (school|class|the building|the gate|the gates|the classroom)",
        "ran|run|runs|running|got|gets|get out of (the house|home)", "home alone", "homeless",
        "<nobody> (noticed|realised|realized|checked|knew where)", "wrong medicat*|medicine|dose|tablets",
        "medicat* ... (not given|missed)",
    ],
    "unsafe": [
        "unsafe", "(not|never|no longer) ... safe", "danger*", "at risk", "abus*", "exploit*", "county lines",
        "radicali*", "gangs", "trafficked", "trafficking", "drug dealer|dealers|dealing", "drugs", "drugged",
        "selling|taking|using drugs", "<child> ... scared|frightened|terrified|afraid|petrified|fear",
        "scared|frightened|terrified|petrified of", "scared|frightened|terrified|petrified to go",
        "beg|begs|begged <anyone> not to",
    ],
}
# Blanked before safeguarding phrases are looked for: figures of speech that are safe to ignore.
SAFEGUARDING_EXCLUDE: list[str] = [
    "felt|feel|feels|feeling hurt", "hurt feelings", "no harm", "(not|never) hurt|harm to", "from scratch",
    "killing|kills|killed me|us", "dead end", "dead set", "dead in the water", "burnt|burned out", "kicked out",
    "kicked off", "pushed|push for|into|from|back|around", "hit|hits me|us how|that|when|hard",
    "hit the nail|ground|target|targets|deadline|points|spot", "hit all", "panic attack", "personal grooming",
    "grooming and|or", "died down", "dying to", "at risk of exclusion", "danger of", "blood test|tests",
    "no secret", "drag|dragged me|us through", "kill for", "kept ... in the dark", "left ... to (it|sort|deal|cope)",
    "scared|frightened|afraid|terrified|fear ... (noise|noises|crowds|crowded|the dark|dogs|change|changes|busy)",
    "scared|frightened|afraid|terrified|fear ... (new|hand dryers|dentist|needles|getting it wrong)",
]
# fmt: on


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Northshire Council")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "SEND family feedback")
    SEND_TEAM_EMAIL = os.environ.get("SEND_TEAM_EMAIL", "send.feedback@example.org")
    SEND_TEAM_PHONE = os.environ.get("SEND_TEAM_PHONE", "01632 960000")
    DPO_EMAIL = os.environ.get("DPO_EMAIL", "data.protection@example.org")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'instance' / 'feedback.db'}"
    # Optimistic disconnect handling: no ping before each checkout (a round trip on every request, 15% of a
    # family's survey GET under load, bench/bench_survey_load.py). A connection found dead invalidates the
    # whole pool, so after a database restart one request per process fails and the next reconnects; the
    # survey GET retries its read once (surveys.invitations.find_link), so families never see that error.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False, "pool_recycle": 3600}

    WTF_CSRF_TIME_LIMIT = None  # a parent may leave the survey open for an afternoon
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # seconds: one working day for officers

    # How many proxies (load balancer, ingress) sit in front of the app: their X-Forwarded-* headers are
    # trusted so rate limits and the audit log see the family's or officer's address, not the proxy's.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)

    # Officer accounts (issue 10). A session ends after this long without a request, or this long after
    # sign-in whatever happens; officers see a warning page a few minutes before the idle limit.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "8"))
    SESSION_WARNING_MINUTES = int(os.environ.get("SESSION_WARNING_MINUTES", "5"))
    # Failed sign-ins: the first few are free, then each waits twice as long as the last, never more than
    # the cap, so that guessing is slow but nobody can lock an officer out for longer than the cap.
    SIGN_IN_FREE_FAILURES = 3
    SIGN_IN_MAX_DELAY_SECONDS = int(os.environ.get("SIGN_IN_MAX_DELAY_SECONDS", "30"))
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;60 per hour")  # per address
    ACCOUNT_INVITATION_HOURS = 24
    # Retention (privacy notice): contact details go this long after an invitation closed; free text this
    # long after it was written. `flask --app wsgi purge` (daily cron) applies both.
    RETENTION_CONTACT_DAYS = int(os.environ.get("RETENTION_CONTACT_DAYS", "395"))
    RETENTION_TEXT_DAYS = int(os.environ.get("RETENTION_TEXT_DAYS", "1095"))
    # /.well-known/security.txt (RFC 9116): where to report a vulnerability.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "mailto:security@example.org")
    SECURITY_POLICY_URL = os.environ.get("SECURITY_POLICY_URL") or None
    SECURITY_TXT_EXPIRES = os.environ.get("SECURITY_TXT_EXPIRES", "2027-12-31T23:59:59Z")

    # GOV.UK Notify. Without an API key every message goes to the outbox instead.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEMPLATE_IDS = _env_json("NOTIFY_TEMPLATE_IDS", {})
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN") or None
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))  # seconds per request
    NOTIFY_RATE_PER_MINUTE = int(os.environ.get("NOTIFY_RATE_PER_MINUTE", "2950"))  # Notify allows 3,000
    NOTIFY_WORKERS = int(os.environ.get("NOTIFY_WORKERS", "8"))

    # Chasing rules (DESIGN section 6).
    CHASE_TIMEZONE = "Europe/London"
    CHASE_CIVIL_HOURS = (9, 19)  # local time, 09:00 to 19:00
    CHASE_CIVIL_WEEKDAYS = (0, 1, 2, 3, 4, 5)  # Monday to Saturday
    CHASE_MAX_EVENT_AGE_DAYS = int(os.environ.get("CHASE_MAX_EVENT_AGE_DAYS", "60"))
    CHASE_REMINDER_DAYS = (7, 14)  # after the first message
    CHASE_CALL_DAYS = 21  # after the first message
    CHASE_CLOSE_DAYS = 42  # after the first message
    CHASE_MAX_MESSAGES = 3
    CHASE_MIN_GAP_HOURS = 24
    # One extra reminder, this many days after the first message, for families of the ethnic groups flagged as
    # under-represented among this quarter's respondents (feedback.representation); their cap of messages rises
    # by one. Off (None) unless set; it must fall before the call list (CHASE_CALL_DAYS), e.g. 18.
    CHASE_EXTRA_REMINDER_DAYS = (
        int(os.environ["CHASE_EXTRA_REMINDER_DAYS"]) if os.environ.get("CHASE_EXTRA_REMINDER_DAYS") else None
    )

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # bytes: a 50,000-row import file is about 7 MB

    CHASE_BATCH_SIZE = int(os.environ.get("CHASE_BATCH_SIZE", "100"))  # invitations claimed per transaction
    CHASE_STALE_MINUTES = int(os.environ.get("CHASE_STALE_MINUTES", "10"))  # then ask Notify about an unsettled send
    NOTIFY_BREAKER_FAILURES = int(os.environ.get("NOTIFY_BREAKER_FAILURES", "5"))  # failures in a row: stop calling

    FREE_TEXT_MAX = 2000  # characters per free-text answer

    # ---- Insight (issue 7): sentiment, themes, concern, safeguarding alerts and follow-ups. The word lists
    # are above this class; README "Follow-ups, safeguarding alerts and the digest" explains each setting.
    TEXT_WORD_GROUPS = TEXT_WORD_GROUPS
    THEME_WORDS = _env_json("THEME_WORDS", THEME_WORDS)  # JSON replaces the whole table
    THEME_EXCLUDE = THEME_EXCLUDE
    CONCERN_PHRASES = CONCERN_PHRASES
    CONCERN_CUES = CONCERN_CUES
    CONCERN_EXCLUDE = CONCERN_EXCLUDE
    CONCERN_POLARITY = float(os.environ.get("CONCERN_POLARITY", "-0.3"))  # TextBlob polarity at or below: concern
    CONCERN_CUE_POLARITY = float(os.environ.get("CONCERN_CUE_POLARITY", "0.3"))  # a bare "not" counts below this
    CONCERN_NEGATIVE_SHARE = 0.5  # share of answered statements disagreed with (or "No") that is a concern
    SAFEGUARDING_PHRASES = SAFEGUARDING_PHRASES
    SAFEGUARDING_EXCLUDE = SAFEGUARDING_EXCLUDE
    # Safeguarding alerts go at once to this council address (never to a family), through Notify or the outbox.
    SAFEGUARDING_EMAIL = os.environ.get("SAFEGUARDING_EMAIL", "safeguarding@example.org")
    # Shown on every thank-you page: how a family reaches children's services, and 999 in an emergency.
    CHILDRENS_SERVICES_PHONE = os.environ.get("CHILDRENS_SERVICES_PHONE", "01632 960111")
    CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE = os.environ.get("CHILDRENS_SERVICES_OUT_OF_HOURS_PHONE", "01632 960999")
    # Follow-ups (DESIGN section 8): due this many working days (England) after they are opened.
    FOLLOW_UP_WORKING_DAYS = int(os.environ.get("FOLLOW_UP_WORKING_DAYS", "5"))
    # The statement whose most negative answer (strongly disagree; "No" in the easy-read survey) opens one.
    FOLLOW_UP_OVERALL_STATEMENTS = {
        "new_plan": "assessment_positive",
        "annual_review": "overall_positive",
        "annual_review_young_person": "good",
    }
    # Which team owns a follow-up, from its themes (in THEME_WORDS order); any other theme: the default owner.
    THEME_OWNERS = {"health_and_therapies": "health", "social_care": "social_care"}
    FOLLOW_UP_DEFAULT_OWNER = "education"
    # Each owner's team mailbox for the weekly digest (`flask digest`).
    FOLLOW_UP_OWNER_EMAILS = _env_json(
        "FOLLOW_UP_OWNER_EMAILS",
        {
            "education": "send.education@example.org",
            "health": "send.health@example.org",
            "social_care": "send.socialcare@example.org",
        },
    )
    # `flask analyse` opens follow-ups for responses this recent only (older ones are counted, not opened).
    FOLLOW_UP_BACKFILL_DAYS = int(os.environ.get("FOLLOW_UP_BACKFILL_DAYS", "60"))

    # "You said, we did" and the public results (issue 9).
    # How long browsers and shared caches may keep a public page before asking again (they then get 304 Not
    # Modified when nothing changed). Short: a withdrawn entry must not linger.
    PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))


class DevelopmentConfig(Config):
    DEBUG = False  # the demo runs like production; set FLASK_DEBUG=1 to debug


class TestConfig(Config):
    TESTING = True
    DEFAULT_DATABASE_URL = "sqlite://"
    SECRET_KEY = "test-secret-key"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://survey.test"
    # Many tests sign in once and then move the clock by days; sessions there must not end by themselves.
    # tests/accounts sets the real limits (Config's) to test them.
    SESSION_IDLE_MINUTES = 20 * 365 * 24 * 60
    SESSION_ABSOLUTE_HOURS = 20 * 365 * 24
    # Any call that escapes a test fails loudly instead of reaching Notify.
    NOTIFY_BASE_URL = "http://you-forgot-to-mock-an-api-call-to"
    NOTIFY_API_KEY = None


class ProductionConfig(Config):
    # __Host-: the browser only accepts the cookie over HTTPS, for this host and path /, so a sibling
    # sub-domain cannot set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None

    @classmethod
    def check(cls) -> None:
        """Refuse to start with unsafe defaults."""
        if not os.environ.get("SECRET_KEY") or os.environ["SECRET_KEY"] == DEFAULT_SECRET_KEY:
            raise RuntimeError("Production needs SECRET_KEY set to a long random value")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL (PostgreSQL)")
        # A safeguarding alert sent to the example address would reach nobody.
        if not os.environ.get("SAFEGUARDING_EMAIL"):
            raise RuntimeError("Production needs SAFEGUARDING_EMAIL: who is told at once of a risk to a child")


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def get_config(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("FEEDBACK_CONFIG") or "development").lower()
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"FEEDBACK_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}") from None
    if hasattr(config, "check"):
        config.check()
    return config
