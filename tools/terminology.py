"""Reads ../shared/terminology.md tables so knowledge value sets carry the exact display and
provenance of each code. Used once to draft config/knowledge/valuesets/*.json; the JSON files
are the source of truth afterwards (reviewed and edited by hand)."""
import re

ALIAS = {'http://www.nlm.nih.gov/research/umls/rxnorm': 'rxnorm', 'http://loinc.org': 'loinc',
         'http://snomed.info/sct': 'snomed', 'http://hl7.org/fhir/sid/icd-10-cm': 'icd10cm',
         'http://www.whocc.no/atc': 'atc', 'http://www.ama-assn.org/go/cpt': 'cpt'}
RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'
ATC = 'http://www.whocc.no/atc'
LN = 'http://loinc.org'
SCT = 'http://snomed.info/sct'
ICD = 'http://hl7.org/fhir/sid/icd-10-cm'
CPT = 'http://www.ama-assn.org/go/cpt'


def load_rows(path='/work/shared/terminology.md'):
    rows = []
    for line in open(path, encoding='utf-8'):
        if line.startswith('| ') and not line.startswith('|---'):
            rows.append([c.strip() for c in line.strip().strip('|').split('|')])
    return rows


def entry(rows, system, code, allow_unverified=False):
    for r in rows:
        if len(r) >= 5 and r[1] == system and r[2] == code:
            vi = next(i for i in range(4, len(r)) if r[i] in ('yes', 'no'))
            if r[vi] != 'yes' and not allow_unverified:
                raise SystemExit('unverified %s %s' % (system, code))
            e = {'system': ALIAS[system], 'code': code,
                 'display': re.sub(r' \((SCD|SBD|IN|BN|PIN|MIN)\)$', '', r[3]), 'source': r[vi - 1]}
            if r[vi] != 'yes':
                e['verified'] = False
            return e
    raise SystemExit('missing %s %s' % (system, code))
