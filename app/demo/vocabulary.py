"""The words demo data is made of: Swedish names, titles, topics, target groups and texts.

Built in rather than taken from Faker, so the same seed gives the same data whatever
version of a library is installed. Names are common in Sweden today, including names of
people born abroad; combined at random they name nobody in particular.
"""

from __future__ import annotations

# fmt: off

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma", "Kerstin", "Ingrid",
    "Marie", "Malin", "Jenny", "Hanna", "Linda", "Elin", "Annika", "Susanne", "Sofia", "Johanna",
    "Ida", "Camilla", "Helena", "Åsa", "Ulrika", "Therese", "Frida", "Matilda", "Louise", "Elsa",
    "Maja", "Lisa", "Amanda", "Josefin", "Cecilia", "Märta", "Birgitta", "Ylva", "Agneta",
    "Fatima", "Amina", "Leila", "Yasmin", "Nour", "Mariam", "Hodan", "Aisha", "Zeynep", "Dilan",
    "Mirja", "Aino", "Jelena", "Ana", "Marta", "Lin", "Mai", "Rana", "Shirin", "Parisa",
    "Lars", "Mikael", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Thomas", "Jan",
    "Daniel", "Fredrik", "Hans", "Andreas", "Stefan", "Magnus", "Mattias", "Jonas", "Björn",
    "Oskar", "Gustav", "Viktor", "Emil", "Axel", "Henrik", "Niklas", "Martin", "Mats", "Göran",
    "Håkan", "Jörgen", "Ola", "Pär", "Tobias", "Sebastian", "Kristoffer", "Olof", "Nils",
    "Mohammed", "Ahmed", "Ali", "Hassan", "Omar", "Yusuf", "Abdi", "Mustafa", "Hussein", "Karim",
    "Mehmet", "Emre", "Reza", "Dariush", "Nikola", "Milan", "Dragan", "Marko", "Juan", "Tuan",
)

LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson",
    "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg",
    "Blomqvist", "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund",
    "Eliasson", "Pålsson", "Berggren", "Sandström", "Lund", "Nordin", "Ström", "Åberg",
    "Hermansson", "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström",
    "Sjögren", "Abrahamsson", "Falk", "Öberg", "Andreasson", "Månsson", "Ekberg", "Åström",
    "Strand", "Hägg", "Östlund", "Ågren", "Sjöström", "Norén", "Dahl", "Skoglund", "Öhman",
    "Mohamed", "Ali", "Hassan", "Ahmed", "Hussein", "Abdullahi", "Yılmaz", "Demir", "Kaya",
    "Nguyen", "Tran", "Jovanović", "Petrović", "Nikolić", "Novak", "Kowalski", "Nowak",
    "Hosseini", "Rezaei", "Karimi", "Haddad", "Khalil", "Ibrahim", "Osman", "Farah", "Rodríguez",
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Lehtonen",
)

#: Titles by where the person works.
TITLES = {
    "socialtjanst": (
        "Socialsekreterare", "Enhetschef", "Socialchef", "Verksamhetsutvecklare",
        "Förste socialsekreterare", "Biståndshandläggare", "Avdelningschef", "Metodstödjare",
    ),
    "kommun": (
        "Integrationsstrateg", "Integrationssamordnare", "Kommundirektör", "Utvecklingsledare",
        "Arbetsmarknadschef", "Flyktingsamordnare", "Kommunikatör", "Utredare",
    ),
    "lansstyrelse": (
        "Handläggare integration", "Utvecklingsledare", "Enhetschef", "Samordnare",
        "Länsråd", "Sakkunnig etablering",
    ),
    "region": ("Folkhälsostrateg", "Utvecklingsledare", "Hälsokommunikatör", "Enhetschef"),
    "myndighet": (
        "Handläggare", "Verksamhetsexpert", "Sektionschef", "Utredare", "Specialist",
        "Verksamhetsutvecklare", "Samordnare", "Enhetschef",
    ),
    "skr": ("Handläggare", "Sakkunnig", "Avdelningschef", "Utredare"),
    "civilsamhalle": ("Verksamhetschef", "Ordförande", "Projektledare", "Samordnare", "Rådgivare"),
}

#: Civil-society organisations the team talks to (descriptive, generic names).
CIVIL_SOCIETY = (
    ("Föreningen Återvändarstöd Sverige", "Återvändarstöd"),
    ("Svenska Diasporaforum", "Diasporaforum"),
    ("Somaliska riksförbundet i Sverige", "SRFS"),
    ("Irakiska föreningars samarbetsråd", None),
    ("Afghanska kulturföreningen Norr", None),
    ("Eritreanska föreningen i Göteborg", None),
    ("Syriska föreningen i Malmö", None),
    ("Bosnisk-hercegovinska riksförbundet", None),
    ("Kurdiska föreningars samråd", None),
    ("Föreningen Nya svenskar i Mälardalen", None),
    ("Kvinnors nätverk för egenmakt", None),
    ("Barnrättsbyrån Syd", None),
    ("Funktionsrätt i mångfald", None),
    ("Studieförbundet Möten", None),
    ("Kristna samverkansrådet Öst", None),
    ("Muslimska samverkansrådet", None),
    ("Integrationsakademin", None),
    ("Föreningen Unga vuxna i exil", None),
    ("Hemlandsfonden", None),
    ("Stiftelsen Bro till hemlandet", None),
)

#: Local associations added per municipality when the scale asks for more organisations.
LOCAL_ASSOCIATION_PATTERNS = (
    "Kulturföreningen i {town}",
    "Internationella föreningen {town}",
    "Föräldranätverket {town}",
    "Ungdomsföreningen Framtid {town}",
)

TOPICS = (
    "Återvandringsbidrag", "Återvandringsbidragets höjning 2026", "Information till kommuner",
    "Socialtjänstens roll", "Samverkan med Migrationsverket", "Målgruppsanalys",
    "Vägledningsmaterial", "Goda exempel", "Nationell lägesbild", "Barn i familjer som återvandrar",
    "Kommunala rutiner", "Utbildning för handläggare", "Civilsamhällets roll",
    "Länsstyrelsernas stöd", "Försörjningsstöd", "Arbetsmarknad och etablering",
    "Hälsa och vård vid återvandring", "Språk och tolkning", "Forskning och uppföljning",
    "Slutredovisning",
)

TARGET_GROUPS = (
    "Äldre som vill återvandra", "Familjer med barn", "Ensamkommande unga vuxna",
    "Personer med försörjningsstöd", "Personer med funktionsnedsättning",
    "Långtidsarbetslösa", "Personer med skyddsbehov", "Nyanlända",
)

TAGS = ("Nätverk", "Referensgrupp", "Nyckelperson", "Workshop 2026", "Nyhetsbrev")

#: Title patterns; {org} is an organisation's short name, {topic} a topic in lower case.
MEETING_TITLES = {
    "fysiskt": ("Dialogmöte med {org}", "Besök hos {org}", "Möte om {topic}"),
    "digitalt": ("Digitalt möte med {org}", "Avstämning med {org}", "Genomgång: {topic}"),
    "telefon": ("Samtal med {org}", "Uppföljande samtal, {org}", "Telefonavstämning om {topic}"),
    "konferens": ("Konferens: {topic}", "Seminarium om {topic}", "Regional träff, {org}"),
    "studiebesok": ("Studiebesök hos {org}", "Studiebesök: {topic}"),
    "skriftlig": ("Skriftlig kontakt med {org}", "Svar till {org} om {topic}"),
}

OFFICE_PLACES = (
    "Samordnarens kansli, Stockholm",
    "Rosenbad, Stockholm",
    "Konferenscentret Ingenjörshuset, Stockholm",
)

AGENDAS = (
    "1. Inledning\n2. Information om återvandringsbidraget\n3. Frågor och diskussion",
    "1. Läget i kommunen\n2. Målgrupper\n3. Stöd från samordnaren\n4. Nästa steg",
    "1. Presentation\n2. Erfarenheter hittills\n3. Utmaningar\n4. Övrigt",
)

OUTCOMES = (
    "Kommunen vill ha vägledningsmaterial och en utbildning för handläggare.",
    "Överens om att ta fram en gemensam rutin. Ny avstämning om två månader.",
    "Bra dialog. Behov av tolkstöd och material på flera språk.",
    "Informationen togs emot väl; socialtjänsten sprider den internt.",
    "Oklart ansvar mellan kommun och myndighet; vi återkommer med underlag.",
)

PERSPECTIVE_NOTES = {
    "barnratt": ("Barnets bästa vid familjers beslut.", "Skolgång efter återvandring."),
    "funktionshinder": ("Tillgänglig information.", "Vård och hjälpmedel i hemlandet."),
    "jamstalldhet": ("Kvinnors egen försörjning.", "Information till båda vuxna i familjen."),
}

FOLLOW_UP_TITLES = (
    "Skicka informationsmaterial till {org}",
    "Boka uppföljande möte med {org}",
    "Ta fram underlag om {topic}",
    "Svara på frågor från {org}",
    "Bjuda in {org} till nätverksträff",
    "Sammanställa erfarenheter från {org}",
    "Kontakta socialtjänsten i {org}",
    "Uppdatera lägesbilden för {org}",
)

OPPORTUNITIES = (
    "Intresse från socialtjänsten.",
    "Etablerat samarbete med civilsamhället.",
    "Kommunen har en integrationsstrateg.",
    "Positiv politisk ledning.",
)

CHALLENGES = (
    "Få handläggare och hög personalomsättning.",
    "Oklart vilken förvaltning som äger frågan.",
    "Behov av tolk och översatt material.",
    "Frågan uppfattas som känslig.",
)

STAGE_COMMENTS = (
    "Första kontakt via e-post.",
    "Informationsmöte genomfört.",
    "Löpande dialog med socialtjänsten.",
    "Kommunen har tagit fram en rutin.",
    "Kommunen prioriterar andra frågor just nu.",
)
# fmt: on
