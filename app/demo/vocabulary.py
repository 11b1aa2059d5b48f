"""Word lists and code tables for app.demo: plain data, kept apart from the logic."""

COMMON_WORDS = (
    "love night you me baby heart dance time life world dream fire rain summer home blue "
    "light away forever tonight girl boy money gold river road sun moon star wild young "
    "run feel good sweet dark city back down high lost alone again stay free hold the my "
    "of in on your all we one way day song sky ocean rose angel devil paradise shadow").split()
ACCENTED_WORDS = (
    "corazón canción mañana café été für schön niño amor señorita déjà naïve über "
    "mädchen coração são garçon rêve lágrimas pequeña noël fiancé smörgåsbord björk "
    "café São Zürich mañanita dolor").split()
LITERAL_WILDCARD_WORDS = ("100%", "50%_off", "snake_case", "c_u_l8r", "99%", "__init__")
SYLLABLES = ("ka lo mi ra ven tor sa el an dre is mar li ño bé ró crü mö ste ga "
             "xi zu pe ta ny ol ur fe dé qui").split()
FIRST_NAMES = "Anna Ben Carla Diego Elif Femi Greta Hugo Ines Jonas Kemi Lars Maya Noé Oskar Zoë".split()
ACCENTED_ARTISTS = ("Beyoncé", "Sigur Rós", "Mötley Crüe", "Björk", "Motörhead", "Maná",
                    "Café Tacvba", "Héroes del Silencio", "Céline Dion", "Antonín Dvořák")
WILDCARD_ARTISTS = ("100% Pure", "DJ_Snake_Fan", "50%Off", "x_x", "Half_Life 99%")
VERSION_SUFFIXES = (" - Remastered 2011", " - Live", " - Radio Edit", " - Acoustic", " - Remix")
VERSION_TITLES = ("Remastered 2011", "Remastered 2009", "Live", "Radio Edit", "Mono Version")
GENRE_STEMS = ("pop rock hip-hop rap jazz soul funk metal punk house techno trance folk "
               "country blues reggae ska dub disco trap drill r&b gospel grunge emo "
               "cumbia salsa tango samba forro fado schlager chanson k-pop j-pop "
               "afrobeats dancehall ambient").split()
GENRE_PREFIXES = ("", "indie ", "dark ", "deep ", "modern ", "classic ", "alt ", "uk ",
                  "latin ", "german ", "french ", "nordic ", "brazilian ", "lo-fi ",
                  "experimental ", "melodic ", "progressive ", "chill ", "hard ", "soft ",
                  "swedish ", "italian ")
COUNTRIES = ("AD AE AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY "
             "BZ CA CD CG CH CI CL CM CO CR CV CW CY CZ DE DJ DK DM DO DZ EC EE EG ES ET FI "
             "FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HK HN HR HT HU ID IE IL IN IQ IS "
             "IT JM JO JP KE KG KH KI KM KN KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC "
             "MD ME MG MH MK ML MN MO MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM "
             "PA PE PG PH PK PL PS PT PW PY QA RO RS RW SA SB SC SE SG SI SK SL SM SN SR ST "
             "SV SZ TD TG TH TJ TL TN TO TR TT TV TW TZ UA UG US UY UZ VC VE VN VU WS XK ZA "
             "ZM ZW").split()
ISRC_PREFIXES = ("US", "GB", "DE", "FR", "SE", "JP", "BR", "QM", "QZ", "NL", "UK")
BAD_LANGUAGE_JSON = ('["en"', "en", "[en]")            # does not parse
NON_ARRAY_LANGUAGE_JSON = ('{"en":1}', '"en"')          # parses, but is not an array
# Weighted by repetition: most tagged tracks are English.
LANGUAGES = ('["en"]', '["en"]', '["en"]', '["zxx"]', '["es","en"]', '["es"]', '["de"]',
             '["pt"]', '["ja"]', '["fr"]')
