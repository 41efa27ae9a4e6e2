"""The words of the demo's comments: short phrases per topic and per questionnaire prompt that
demo_activity combines (with a fixed random seed) into remarks that read like an expert's.

Subjects are singular noun phrases with their article, written to follow « sur », « pour »,
« concernant », « en ce qui concerne » (never « à » or « de », which would contract) and "on",
"about", "regarding"; the prompt sentences never make a word agree with them.
"""

# topic code -> {"subjects": [(fr, en)], "details": [(fr, en)]}
TOPICS = {
    "G": {
        "subjects": [
            ("la cohérence d'ensemble de la politique", "the overall coherence of the policy"),
            ("le passage d'une logique centrée sur le médecin vers une logique d'équipe",
             "the shift from a physician-centred logic to a team-based logic"),
            ("l'arrimage avec la réforme de Santé Québec", "the alignment with the Santé Québec reform"),
        ],
        "details": [
            ("Le document gagnerait à distinguer clairement ce qui relève des principes et ce qui relève des "
             "engagements concrets.",
             "The document would gain from clearly separating principles from concrete commitments."),
            ("Une politique de première ligne attendue depuis longtemps doit s'accompagner d'un plan de mise en "
             "œuvre chiffré.",
             "A long-awaited primary care policy needs an implementation plan with a budget."),
            ("Le vocabulaire change d'une section à l'autre (première ligne, soins de proximité, services de "
             "base), ce qui brouille le message.",
             "The vocabulary changes from one section to the next (primary care, local care, basic services), "
             "which blurs the message."),
        ],
    },
    "V.1": {
        "subjects": [
            ("la vision d'une première ligne forte et accessible",
             "the vision of a strong and accessible primary care"),
            ("la notion de santé globale", "the notion of holistic health"),
            ("l'horizon de dix ans retenu pour la vision", "the ten-year horizon chosen for the vision"),
        ],
        "details": [
            ("La vision devrait nommer explicitement l'équité comme finalité, et pas seulement comme moyen.",
             "The vision should name equity explicitly as an end, not only as a means."),
            ("La vision est inspirante, mais elle ressemble beaucoup à celle des politiques précédentes.",
             "The vision is inspiring, but it looks a lot like that of previous policies."),
        ],
    },
    "V.2": {
        "subjects": [
            ("l'objectif d'amélioration de l'équité en santé", "the objective of improving health equity"),
            ("l'objectif portant sur l'expérience de travail", "the objective on the work experience"),
            ("le quintuple objectif", "the quintuple aim"),
        ],
        "details": [
            ("Les objectifs de performance devraient être déclinés en cibles annuelles publiques.",
             "The performance objectives should be broken down into public annual targets."),
            ("Le bien-être des équipes est une condition de la qualité, pas un objectif secondaire.",
             "Team well-being is a condition of quality, not a secondary objective."),
        ],
    },
    "V.3": {
        "subjects": [
            ("le fondement d'un système public et performant", "the foundation of a public, high-performing system"),
            ("le partenariat avec les personnes et les communautés",
             "the partnership with people and communities"),
            ("le recours aux données probantes", "the use of evidence"),
            ("la perspective globale de la santé", "the holistic perspective on health"),
        ],
        "details": [
            ("Les fondements sont solides, mais on ne voit pas toujours comment ils orientent les choix qui "
             "suivent.",
             "The foundations are sound, but it is not always clear how they guide the choices that follow."),
            ("Le caractère public du système mériterait d'être réaffirmé face à la croissance de l'offre privée.",
             "The public nature of the system deserves to be reaffirmed given the growth of private services."),
        ],
    },
    "1.1": {
        "subjects": [
            ("l'affiliation de toute la population à une équipe de première ligne",
             "the attachment of the whole population to a primary care team"),
            ("le guichet d'accès à la première ligne", "the primary care access point"),
            ("la continuité relationnelle", "relational continuity"),
            ("l'accès en temps opportun", "timely access"),
        ],
        "details": [
            ("L'affiliation à un groupe plutôt qu'à un médecin est une avancée, à condition que la continuité "
             "avec une personne de référence soit préservée.",
             "Attachment to a group rather than a physician is progress, provided continuity with a named "
             "clinician is preserved."),
            ("Le délai de 36 heures pour un besoin urgent n'a de sens que s'il est mesuré de façon uniforme dans "
             "toutes les régions.",
             "A 36-hour target for urgent needs only makes sense if it is measured the same way in every region."),
            ("Les personnes sans médecin de famille sont souvent celles qui ont les besoins les plus complexes.",
             "People without a family physician are often those with the most complex needs."),
        ],
    },
    "1.2": {
        "subjects": [
            ("la prise en compte des déterminants sociaux de la santé",
             "taking the social determinants of health into account"),
            ("la prévention et la promotion de la santé", "prevention and health promotion"),
            ("l'approche centrée sur la personne", "the person-centred approach"),
            ("l'intégration des services sociaux en première ligne",
             "the integration of social services into primary care"),
        ],
        "details": [
            ("Les besoins non exprimés exigent une démarche proactive de repérage, avec des intervenants "
             "communautaires.",
             "Unexpressed needs call for proactive outreach, with community workers."),
            ("La prescription sociale, déjà évaluée ailleurs, pourrait servir de levier concret.",
             "Social prescribing, already evaluated elsewhere, could be a concrete lever."),
            ("Les travailleuses et travailleurs sociaux sont encore trop peu présents dans les équipes.",
             "Social workers are still too rarely part of the teams."),
        ],
    },
    "1.3": {
        "subjects": [
            ("la navigation dans le système", "navigation in the system"),
            ("le soutien à l'autogestion", "support for self-management"),
            ("le partage de l'information entre les intervenants", "information sharing between providers"),
        ],
        "details": [
            ("Les personnes âgées et les personnes allophones ont besoin d'un accompagnement humain, pas "
             "seulement d'outils en ligne.",
             "Older people and people who speak neither French nor English need human support, not only online "
             "tools."),
            ("Des navigatrices et navigateurs de soins ont fait leurs preuves auprès des personnes atteintes de "
             "cancer.",
             "Patient navigators have proven their value for people living with cancer."),
            ("Sans dossier partagé, chaque transition entre services fait perdre de l'information.",
             "Without a shared record, every transition between services loses information."),
        ],
    },
    "1.4": {
        "subjects": [
            ("l'élargissement des champs de pratique", "the broadening of scopes of practice"),
            ("la collaboration interprofessionnelle", "interprofessional collaboration"),
            ("le rôle des infirmières praticiennes spécialisées", "the role of nurse practitioners"),
            ("le rôle des pharmaciennes et pharmaciens communautaires", "the role of community pharmacists"),
        ],
        "details": [
            ("Les professionnelles et professionnels doivent pouvoir exercer pleinement leur champ de pratique "
             "sans dépendre d'une ordonnance collective.",
             "Professionals must be able to work to their full scope without depending on a collective "
             "prescription."),
            ("Les conditions de travail des équipes sont au cœur de la rétention du personnel.",
             "The teams' working conditions are central to staff retention."),
            ("Les organismes communautaires sont des ressources de première ligne à part entière.",
             "Community organisations are primary care resources in their own right."),
        ],
    },
    "2.1": {
        "subjects": [
            ("la reconnaissance du savoir expérientiel", "the recognition of experiential knowledge"),
            ("le rôle des pairs aidants", "the role of peer helpers"),
            ("la place des proches aidants dans l'équipe", "the place of family caregivers in the team"),
        ],
        "details": [
            ("Les patients partenaires doivent être rémunérés pour leur contribution, comme les autres membres "
             "de l'équipe.",
             "Patient partners should be paid for their contribution, like other team members."),
            ("La littérature sur la prise de décision partagée offre des outils concrets qu'on pourrait "
             "déployer.",
             "The literature on shared decision-making offers concrete tools that could be deployed."),
            ("Les proches aidants s'épuisent faute de répit et de reconnaissance.",
             "Family caregivers burn out for lack of respite and recognition."),
        ],
    },
    "2.2": {
        "subjects": [
            ("l'influence des communautés sur l'organisation des services",
             "the influence of communities on how services are organised"),
            ("la participation citoyenne", "citizen participation"),
            ("l'adaptation de l'offre de services aux besoins locaux",
             "adapting the service offering to local needs"),
        ],
        "details": [
            ("Les comités d'usagers existent déjà ; il faudrait leur donner un réel pouvoir d'influence.",
             "Users' committees already exist; they should be given real influence."),
            ("Les communautés autochtones doivent être consultées selon leurs propres processus.",
             "Indigenous communities must be consulted through their own processes."),
        ],
    },
    "3.1": {
        "subjects": [
            ("la gouvernance locale", "local governance"),
            ("la reddition de comptes des instances locales", "the accountability of local bodies"),
            ("la collaboration intersectorielle", "intersectoral collaboration"),
            ("la place du secteur privé", "the place of the private sector"),
        ],
        "details": [
            ("Les réseaux locaux de services ont été affaiblis par les fusions ; leur rôle doit être précisé.",
             "Local service networks were weakened by mergers; their role needs to be clarified."),
            ("Les municipalités et les écoles devraient siéger aux instances locales.",
             "Municipalities and schools should sit on the local bodies."),
            ("La croissance des cliniques privées crée une première ligne à deux vitesses.",
             "The growth of private clinics is creating a two-tier primary care."),
        ],
    },
    "4.1": {
        "subjects": [
            ("le déploiement des outils numériques", "the rollout of digital tools"),
            ("l'interopérabilité des systèmes d'information", "the interoperability of information systems"),
            ("la fracture numérique", "the digital divide"),
        ],
        "details": [
            ("Les dossiers médicaux électroniques actuels ne communiquent pas entre eux, ni avec les pharmacies.",
             "Current electronic medical records do not talk to each other, nor to pharmacies."),
            ("La téléconsultation doit compléter la consultation en personne, pas la remplacer.",
             "Virtual care must complement in-person visits, not replace them."),
            ("La cybersécurité exige des ressources que les petites cliniques n'ont pas.",
             "Cybersecurity requires resources that small clinics do not have."),
        ],
    },
    "4.2": {
        "subjects": [
            ("la rémunération à l'acte", "fee-for-service remuneration"),
            ("le financement par capitation", "capitation funding"),
            ("l'allocation des ressources selon les besoins de la population",
             "allocating resources according to population needs"),
            ("le financement des équipes interprofessionnelles", "the funding of interprofessional teams"),
        ],
        "details": [
            ("Un mode mixte, avec une capitation ajustée selon la vulnérabilité, est soutenu par les données "
             "probantes.",
             "A blended model, with capitation adjusted for vulnerability, is supported by the evidence."),
            ("La rémunération à l'acte décourage le travail en équipe et la prise en charge des cas complexes.",
             "Fee-for-service discourages teamwork and the care of complex patients."),
            ("Le financement doit suivre la personne, pas l'établissement.",
             "Funding should follow the person, not the institution."),
        ],
    },
    "4.3": {
        "subjects": [
            ("la formation de la relève", "training the next generation"),
            ("le recrutement et la rétention du personnel", "recruitment and retention of staff"),
            ("la gestion du changement", "change management"),
            ("la planification de la main-d'œuvre", "workforce planning"),
        ],
        "details": [
            ("Les stages en première ligne doivent être valorisés dans tous les programmes de formation.",
             "Primary care placements should be valued in every training programme."),
            ("La pénurie touche aussi le personnel administratif, souvent oublié.",
             "The shortage also affects administrative staff, who are often forgotten."),
            ("La planification doit se faire par besoins de la population plutôt que par profession.",
             "Planning should be based on population needs rather than on professions."),
        ],
    },
    "5.1": {
        "subjects": [
            ("la valorisation des données de première ligne", "making use of primary care data"),
            ("les données sur l'expérience patient", "patient experience data"),
            ("l'accès des chercheuses et chercheurs aux données", "researchers' access to data"),
        ],
        "details": [
            ("Les données cliniques des GMF ne sont pas extraites de façon standardisée.",
             "Clinical data from family medicine groups are not extracted in a standard way."),
            ("Les délais d'accès aux données administratives freinent la recherche au Québec.",
             "Delays in accessing administrative data slow research in Québec."),
            ("Les personnes doivent savoir comment leurs données sont utilisées et pourquoi.",
             "People must know how their data are used and why."),
        ],
    },
    "5.2": {
        "subjects": [
            ("le cadre d'appréciation de la performance", "the performance assessment framework"),
            ("le choix des indicateurs", "the choice of indicators"),
            ("la diffusion publique des résultats", "the public release of results"),
        ],
        "details": [
            ("Les indicateurs devraient porter sur les résultats de santé et l'expérience, pas seulement sur le "
             "volume d'activités.",
             "Indicators should cover health outcomes and experience, not only activity volumes."),
            ("Les équipes doivent recevoir leurs propres résultats pour pouvoir s'améliorer.",
             "Teams need to receive their own results in order to improve."),
        ],
    },
    "5.3": {
        "subjects": [
            ("la culture d'amélioration continue", "the culture of continuous improvement"),
            ("le développement des capacités en amélioration de la qualité",
             "building quality improvement capacity"),
            ("les contraintes structurelles", "the structural constraints"),
        ],
        "details": [
            ("Sans temps protégé, les équipes ne peuvent pas mener de projets d'amélioration.",
             "Without protected time, teams cannot carry out improvement projects."),
            ("Des facilitatrices et facilitateurs externes ont accéléré l'amélioration dans d'autres provinces.",
             "External practice facilitators have sped up improvement in other provinces."),
        ],
    },
    "5.4": {
        "subjects": [
            ("la recherche en première ligne", "primary care research"),
            ("la mobilisation des connaissances", "knowledge mobilisation"),
            ("la participation des cliniques à la recherche", "the participation of clinics in research"),
        ],
        "details": [
            ("Les réseaux de recherche axée sur les pratiques de première ligne sont un atout à consolider.",
             "Practice-based research networks are an asset to consolidate."),
            ("Le financement de la recherche en première ligne reste très inférieur à celui des soins "
             "spécialisés.",
             "Funding for primary care research remains far below that of specialised care."),
        ],
    },
}

# prompt -> [(fr, en)]; {s} is a subject, {S} the same capitalised.
PROMPT_SENTENCES = {
    "liked": [
        ("{S} constitue à mes yeux l'une des forces de la proposition.",
         "{S} is one of the strengths of the proposal in my view."),
        ("Il est très positif que la politique mette l'accent sur {s}.",
         "It is very positive that the policy puts the emphasis on {s}."),
        ("L'orientation mise avec raison sur {s} ; c'est un virage attendu depuis longtemps.",
         "The orientation rightly focuses on {s}; this shift is long overdue."),
        ("Nous appuyons sans réserve l'accent mis sur {s}.", "We fully support the emphasis on {s}."),
        ("Le choix de miser sur {s} s'appuie sur des données probantes solides.",
         "Building on {s} is well supported by the evidence."),
        ("La proposition a le mérite d'être claire sur {s}.", "The proposal has the merit of being clear on {s}."),
    ],
    "disliked": [
        ("Je m'inquiète de la façon dont la proposition traite {s}.",
         "I am concerned about the way the proposal deals with {s}."),
        ("La proposition reste très générale sur {s}, sans cibles ni échéancier.",
         "The proposal remains very general on {s}, with no targets or timeline."),
        ("Nous ne trouvons dans le texte aucun mécanisme concret pour {s}.",
         "We could not find any concrete mechanism for {s} in the text."),
        ("Le texte sous-estime les obstacles concernant {s}.", "The text underestimates the obstacles regarding {s}."),
        ("Concernant {s}, la proposition risque de reproduire des approches centrées sur le médecin qui ont "
         "montré leurs limites.",
         "Regarding {s}, the proposal risks repeating physician-centred approaches that have shown their limits."),
        ("L'approche retenue pour {s} nous semble trop centralisée et peu adaptée aux régions.",
         "The approach chosen for {s} seems too centralised and poorly suited to the regions."),
    ],
    "unclear": [
        ("On comprend mal qui sera imputable en ce qui concerne {s}.",
         "It is unclear who will be accountable for {s}."),
        ("Que recouvre exactement {s} ? Une définition opérationnelle serait nécessaire.",
         "What exactly does {s} cover? An operational definition is needed."),
        ("Le lien entre {s} et les cibles de changement n'est pas explicite.",
         "The link between {s} and the change targets is not explicit."),
        ("La proposition ne dit pas comment on mesurera les progrès concernant {s}.",
         "The proposal does not say how progress on {s} will be measured."),
        ("Le texte emploie plusieurs termes pour désigner {s}, ce qui prête à confusion.",
         "The text uses several terms to refer to {s}, which is confusing."),
        ("Les rôles respectifs du ministère, de Santé Québec et des établissements pour {s} restent flous.",
         "The respective roles of the ministry, Santé Québec and the institutions regarding {s} remain vague."),
    ],
    "adjust": [
        ("Il faudrait reformuler l'orientation et fixer des cibles mesurables et un échéancier pour {s}.",
         "The orientation should be reworded to set measurable targets and a timeline for {s}."),
        ("Nous recommandons de revoir l'approche concernant {s} afin de mieux tenir compte des milieux ruraux "
         "et éloignés.",
         "We recommend revisiting the approach to {s} to better account for rural and remote settings."),
        ("La formulation sur {s} devrait passer d'une logique de moyens à une logique de résultats pour la "
         "population.",
         "The wording on {s} should move from a logic of means to a logic of results for the population."),
        ("Il serait préférable de confier aux équipes locales la mise en œuvre concernant {s}, avec un "
         "financement stable.",
         "It would be better to entrust local teams with the implementation regarding {s}, with stable funding."),
        ("Je suggère de remplacer la référence au seul médecin de famille par l'équipe interprofessionnelle "
         "pour {s}.",
         "I suggest replacing the reference to the family physician alone with the interprofessional team "
         "for {s}."),
        ("L'ordre des priorités devrait changer : {s} devrait passer avant la création de nouvelles structures.",
         "Priorities should be reordered: {s} should come before the creation of new structures."),
    ],
    "missing": [
        ("Il manque un volet sur {s} pour les populations vulnérables, notamment les personnes en situation "
         "d'itinérance.",
         "A component on {s} for vulnerable populations, including people experiencing homelessness, is missing."),
        ("Rien n'est prévu pour évaluer les effets des mesures sur {s}.",
         "Nothing is planned to evaluate the effects of the measures on {s}."),
        ("La proposition gagnerait à inclure des indicateurs d'équité concernant {s}.",
         "The proposal would benefit from equity indicators regarding {s}."),
        ("Il manque une mention explicite des Premières Nations et des Inuit en ce qui concerne {s}.",
         "There is no explicit mention of First Nations and Inuit regarding {s}."),
        ("Aucune ressource n'est prévue pour soutenir les équipes dans la transition concernant {s}.",
         "No resources are planned to support teams through the transition regarding {s}."),
        ("La place des personnes usagères et de leurs proches dans les décisions sur {s} est absente.",
         "The role of care users and their families in decisions on {s} is missing."),
    ],
}

# Experience of other jurisdictions and evidence, as the Canadian track was asked to share.
EVIDENCE = [
    ("En Ontario, les équipes de santé familiale ont amélioré l'accès lorsque le financement des professionnels "
     "était stable.",
     "In Ontario, Family Health Teams improved access when funding for the other professionals was stable."),
    ("L'expérience des Primary Care Networks de l'Alberta montre que le soutien aux équipes compte davantage que "
     "les structures.",
     "Alberta's Primary Care Networks show that support for teams matters more than structures."),
    ("En Colombie-Britannique, un registre public unique des personnes sans équipe a rendu l'attente visible.",
     "In British Columbia, a single public registry of people without a team made the wait visible."),
    ("En Nouvelle-Écosse, le registre Need a Family Practice a permis de mesurer la population non affiliée.",
     "In Nova Scotia, the Need a Family Practice registry made the unattached population measurable."),
    ("Au Manitoba, les My Health Teams montrent que les partenaires communautaires doivent avoir une place "
     "formelle.",
     "Manitoba's My Health Teams show that community partners need a formal seat at the table."),
    ("En Saskatchewan, le modèle de Patient Medical Home a lié les soins en équipe à des indicateurs de qualité "
     "clairs.",
     "Saskatchewan's Patient Medical Home work tied team-based care to clear quality indicators."),
    ("Les travaux de Starfield associent une première ligne forte à une mortalité plus faible et à des résultats "
     "plus équitables.",
     "Starfield's work links strong primary care to lower mortality and more equitable outcomes."),
    ("Les comparaisons du Commonwealth Fund placent le Canada au dernier rang pour l'accès en temps opportun ; "
     "les cibles devraient s'y référer.",
     "The Commonwealth Fund comparisons rank Canada last on timely access; the targets should be benchmarked "
     "against them."),
    ("Au Danemark et aux Pays-Bas, un financement par capitation ajusté selon les besoins a soutenu l'équité "
     "d'accès.",
     "In Denmark and the Netherlands, needs-adjusted capitation supported equitable access."),
    ("Les données de l'INSPQ montrent de fortes variations régionales qu'il faudrait prendre en compte.",
     "INSPQ data show large regional variations that should be taken into account."),
]

CLOSINGS = [
    ("Nous serions heureux de contribuer à la suite des travaux.", "We would be glad to contribute to the next steps."),
    ("C'est une condition essentielle de la réussite de la politique.",
     "This is an essential condition for the policy to succeed."),
    ("Sans cela, les cibles de changement resteront difficiles à atteindre.",
     "Without this, the change targets will remain hard to reach."),
    ("Ce point a fait l'objet de plusieurs échanges dans notre équipe.",
     "This point was discussed at length in our team."),
]

# How staff open a note taken during a forum or an interview.
NOTE_OPENERS = {
    "forum": [("Plusieurs personnes soulignent ce point :", "Several participants made this point:"),
              ("Consensus du groupe :", "Group consensus:"),
              ("Point soulevé par une personne participante :", "Raised by one participant:"),
              ("Discussion :", "Discussion:"),
              ("Point de désaccord dans le groupe :", "Point of disagreement in the group:")],
    "interview": [("La personne interviewée explique :", "The interviewee explains:"),
                  ("Selon la personne interviewée :", "According to the interviewee:"),
                  ("Recommandation formulée en entretien :", "Recommendation made in the interview:")],
}

GENERAL_OPENINGS = [
    ("Nous remercions le ministère de cette consultation et transmettons nos commentaires sur la proposition.",
     "We thank the ministry for this consultation and send our comments on the draft policy."),
    ("Notre équipe de recherche a lu attentivement la proposition ; voici nos principales remarques.",
     "Our research team read the proposal carefully; here are our main remarks."),
    ("Ce mémoire présente le point de vue de notre groupe sur les orientations qui touchent notre domaine.",
     "This brief presents our group's view on the orientations that concern our field."),
]

# A few orientations get the analysts' draft of "what we heard".
MEMOS = {
    "1.1": (
        "Les personnes consultées accueillent favorablement l'affiliation de toute la population à une équipe "
        "de première ligne plutôt qu'à un seul médecin. Elles insistent toutefois pour que la continuité "
        "relationnelle soit préservée.\n\nPlusieurs demandent que les délais d'accès soient mesurés de façon "
        "uniforme et rendus publics, et que les personnes vulnérables soient priorisées dans le guichet d'accès.",
        "Participants welcome attaching the whole population to a primary care team rather than to a single "
        "physician. They insist, however, that relational continuity be preserved.\n\nSeveral ask that access "
        "times be measured the same way everywhere and made public, and that vulnerable people be given "
        "priority at the access point.",
    ),
    "1.4": (
        "Le plein exercice des champs de pratique fait largement consensus. Les personnes consultées proposent "
        "de retirer les obstacles réglementaires (ordonnances collectives) et de financer la présence d'autres "
        "professionnels dans les équipes.\n\n- Préciser le rôle des infirmières praticiennes spécialisées\n"
        "- Inclure les pharmaciennes et pharmaciens communautaires\n- Bonifier les conditions de travail",
        "Full scope of practice is broadly supported. Participants propose removing regulatory barriers "
        "(collective prescriptions) and funding other professionals within teams.\n\n- Clarify the role of "
        "nurse practitioners\n- Include community pharmacists\n- Improve working conditions",
    ),
    "3.1": (
        "La gouvernance locale suscite à la fois de l'intérêt et des inquiétudes. Les personnes consultées "
        "demandent que les rôles des instances locales, de Santé Québec et du ministère soient clarifiés, et "
        "que la reddition de comptes porte sur des résultats pour la population.",
        "Local governance raises both interest and concern. Participants ask that the roles of local bodies, "
        "Santé Québec and the ministry be clarified, and that accountability focus on results for the "
        "population.",
    ),
    "4.2": (
        "Une majorité des personnes consultées juge que la rémunération à l'acte freine le travail en équipe. "
        "Un mode mixte, avec une capitation ajustée selon la vulnérabilité des personnes, est le plus souvent "
        "proposé, en s'appuyant sur l'expérience de l'Ontario et de pays européens.",
        "Most participants find that fee-for-service holds back teamwork. A blended model, with capitation "
        "adjusted for people's vulnerability, is the most frequent proposal, drawing on the experience of "
        "Ontario and European countries.",
    ),
    "5.1": (
        "Les personnes consultées demandent une infrastructure commune d'extraction des données cliniques, un "
        "accès plus rapide pour la recherche et une information claire à la population sur l'usage de ses "
        "données.",
        "Participants ask for a common infrastructure to extract clinical data, faster access for research, "
        "and clear information to the public on how its data are used.",
    ),
}
