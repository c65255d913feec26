namespace Bulwark.Data.Pii;

/// <summary>
/// The word lists of the entity tagger, loaded on first use. Generated lists come from tools/pii-gazetteers
/// (sources and licences in Gazetteers/SOURCE.md); the short cue lists below are authored here.
/// </summary>
internal static class Gazetteers
{
    private static readonly Lazy<Lists> Instance = new(Load);

    public static Lists Get() => Instance.Value;

    internal sealed record Lists(
        WordSet FirstNames, WordSet LastNames, WordSet Places, WordSet PlacePhraseStarts, WordSet CommonWords,
        WordSet OrgSuffixes, WordSet Nrp, WordSet JobWords, WordSet Honorifics, WordSet Countries);

    private static Lists Load()
    {
        var places = WordSet.Embedded("places.txt");
        var phraseStarts = new WordSet(places.Items.Where(p => p.Contains(' ', StringComparison.Ordinal)).Select(p => p[..p.IndexOf(' ', StringComparison.Ordinal)]));
        return new Lists(
            WordSet.Embedded("first-names.txt"),
            WordSet.Embedded("last-names.txt"),
            places,
            phraseStarts,
            WordSet.Embedded("common-words.txt"),
            WordSet.Embedded("org-suffixes.txt", OrgWords),
            WordSet.Embedded("nrp.txt"),
            WordSet.Embedded("job-words.txt", OccupationHeads),
            new WordSet(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame", "rev", "mme", "mlle", "herr", "frau", "sr", "sra", "srta"]),
            WordSet.Embedded("countries.txt"));
    }

    // Words that end an organisation's name (faker's legal forms are in org-suffixes.txt).
    private static readonly string[] OrgWords =
    [
        "inc", "corp", "corporation", "company", "co", "llc", "llp", "ltd", "plc", "group", "holdings", "associates", "partners",
        "technologies", "technology", "solutions", "systems", "services", "consulting", "capital", "insurance", "bank",
        "labs", "industries", "international", "foundation", "institute", "university", "college", "hospital", "clinic",
        "agency", "ventures", "enterprises", "media", "networks", "software", "pharmaceuticals", "motors", "airlines",
        "analytics", "logistics", "financial", "partnership", "trust", "fund", "bancorp", "communications", "electronics",
    ];

    // Head nouns of occupations, for titles met after "work as a" and the like.
    private static readonly string[] OccupationHeads =
    [
        "accountant", "administrator", "analyst", "architect", "assistant", "attendant", "auditor", "baker", "cashier", "chef",
        "cleaner", "clerk", "coach", "consultant", "cook", "coordinator", "counselor", "designer", "developer", "director",
        "driver", "economist", "editor", "electrician", "engineer", "examiner", "farmer", "guard", "hygienist", "inspector",
        "installer", "instructor", "interpreter", "investigator", "janitor", "journalist", "lawyer", "librarian", "machinist",
        "manager", "mechanic", "nurse", "officer", "operator", "packager", "painter", "paralegal", "pharmacist", "photographer",
        "physician", "pilot", "planner", "plumber", "programmer", "psychologist", "receptionist", "repairer", "representative",
        "researcher", "salesperson", "scientist", "secretary", "specialist", "supervisor", "surgeon", "surveyor", "teacher",
        "technician", "technologist", "therapist", "translator", "veterinarian", "waiter", "waitress", "welder", "worker", "writer",
    ];
}
