/**
 * Common English given-name variants → the formal names they stand for. A name may stand for several
 * (Alex: Alexander or Alexandra); both sides of a search are expanded, so "Alfie" finds "Alfred" and
 * "Alfred" finds "Alfie". Keys are already normalised (lower case, letters only).
 */
const VARIANTS: Record<string, string[]> = {
  alexander: ['alex', 'alec', 'alexei', 'xander', 'sandy', 'ali'],
  alexandra: ['alex', 'lexi', 'lexie', 'sandra', 'ali'],
  alfred: ['alfie', 'alf', 'fred', 'freddie'],
  frederick: ['fred', 'freddie', 'freddy', 'fredrick'],
  william: ['will', 'willy', 'willie', 'bill', 'billy', 'liam', 'wills'],
  robert: ['rob', 'robbie', 'bob', 'bobby', 'bert', 'robby'],
  richard: ['rich', 'richie', 'rick', 'ricky', 'dick'],
  edward: ['ed', 'eddie', 'eddy', 'ted', 'teddy', 'ned'],
  thomas: ['tom', 'tommy', 'thom'],
  james: ['jim', 'jimmy', 'jamie', 'jay'],
  joseph: ['joe', 'joey', 'jo'],
  jonathan: ['jon', 'jonny', 'johnny'],
  john: ['jack', 'johnny', 'jon'],
  michael: ['mike', 'mikey', 'mick', 'micky', 'mickey'],
  matthew: ['matt', 'matty'],
  nicholas: ['nick', 'nicky', 'nico'],
  christopher: ['chris', 'kit', 'topher'],
  christian: ['chris'],
  christina: ['chris', 'tina', 'chrissie'],
  daniel: ['dan', 'danny'],
  benjamin: ['ben', 'benny', 'benji'],
  samuel: ['sam', 'sammy'],
  samantha: ['sam', 'sammy'],
  harry: ['harrison'],
  henry: ['harry', 'hal', 'hank'],
  charles: ['charlie', 'chas', 'chuck', 'chaz'],
  charlotte: ['charlie', 'lottie', 'lotte'],
  oliver: ['olly', 'ollie', 'oli'],
  olivia: ['liv', 'livvy', 'livia'],
  elizabeth: ['liz', 'lizzie', 'lizzy', 'beth', 'betty', 'eliza', 'libby', 'bess', 'elsie'],
  margaret: ['maggie', 'meg', 'peggy', 'maisie', 'daisy'],
  katherine: ['kate', 'katie', 'kat', 'kathy', 'kitty', 'catherine', 'kathryn', 'cathy'],
  catherine: ['cath', 'cathy', 'kate', 'katie'],
  rebecca: ['becky', 'becca', 'bex'],
  jessica: ['jess', 'jessie'],
  abigail: ['abby', 'abbie', 'gail'],
  isabella: ['bella', 'izzy', 'isabel', 'isobel', 'issy'],
  isabelle: ['bella', 'izzy', 'isabel', 'issy'],
  amelia: ['millie', 'milly', 'mia', 'amy'],
  emily: ['em', 'emmy', 'millie'],
  eleanor: ['ellie', 'nell', 'nellie', 'elle', 'nora'],
  florence: ['flo', 'florrie', 'flossie'],
  victoria: ['vicky', 'vicki', 'tori'],
  jennifer: ['jen', 'jenny', 'jenna'],
  susan: ['sue', 'susie', 'suzy'],
  patricia: ['pat', 'patty', 'trish'],
  patrick: ['pat', 'paddy'],
  anthony: ['tony', 'ant'],
  andrew: ['andy', 'drew'],
  timothy: ['tim', 'timmy'],
  stephen: ['steve', 'stevie', 'steven'],
  steven: ['steve', 'stevie', 'stephen'],
  zachary: ['zach', 'zack', 'zac'],
  joshua: ['josh'],
  nathaniel: ['nate', 'nat', 'nathan'],
  gabriel: ['gabe'],
  theodore: ['theo', 'ted', 'teddy'],
  archibald: ['archie', 'archy'],
  frances: ['fran', 'frankie', 'fanny'],
  francis: ['frank', 'frankie'],
  lawrence: ['larry', 'laurie'],
  leonard: ['leo', 'len', 'lenny'],
  mohammed: ['mohammad', 'muhammad', 'mohamed', 'mo'],
  sophia: ['sophie', 'soph'],
  evelyn: ['evie', 'eve'],
  georgina: ['georgie', 'gina'],
  george: ['georgie'],
  luke: ['lucas'],
  lucy: ['lucie', 'lu'],
  louis: ['lou', 'louie'],
  louise: ['lou', 'lulu'],
  dominic: ['dom'],
  kieran: ['keiran', 'ciaran'],
  aiden: ['aidan', 'ayden'],
  jayden: ['jaden', 'jaiden'],
};

const canonicalByVariant = new Map<string, string[]>();
for (const [formal, variants] of Object.entries(VARIANTS)) {
  for (const variant of [formal, ...variants]) {
    const list = canonicalByVariant.get(variant) ?? [];
    if (!list.includes(formal)) list.push(formal);
    canonicalByVariant.set(variant, list);
  }
}

/** The formal names a normalised given name may stand for; the name itself when it has no variants. */
export function canonicalGivenNames(normalisedGivenName: string): string[] {
  return canonicalByVariant.get(normalisedGivenName) ?? [normalisedGivenName];
}

/** The nicknames and variants of a formal given name (none when it is not one listed). */
export function variantsOf(formalGivenName: string): string[] {
  return VARIANTS[formalGivenName] ?? [];
}
