#!/usr/bin/env python3
"""Audit helper: for a seeded random choice of 8 operations per document, list every table
row, example fence and error row of the operation's section beside what the spec holds, and
flag what differs or what a description states that the spec lacks (for a person to judge)."""
import yaml, json, random, re, sys, os
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DOCS = {'mse':'alibaba-mse-api-20210223.txt','retailcloud':'alibaba-retailcloud-jushita-openapi-20200220.txt',
        'alikafka':'alibaba-alikafka-api-20201111.txt','cse':'huawei-cse-api-20260106.txt','dms-kafka':'huawei-dms-kafka-api-20230719.txt'}
# Named in issue 11, audited before (specs/README.md, seed 11), or CloudMonitor APIs: not drawn.
EXCLUDE = {'CreateDeployConfig','DeployApp','TagResources','QueryInformationAboutAllMicroservices','ObtainUserToken',
  'CreateNacosNamespace','UpdateNacosNamespace','QueryAllProvidersOfMicroservice','CreateInstanceTopic','ListAlarmRules',
  'DescribeMetricList','DescribeMetricLast','DescribeMetricTop','DescribeMetricData','DescribeMetricMetaList','DescribeProjectMeta',
  'UpdateZnode','QueryMonitor','DescribeRdsAccounts','DescribeDatabases','GetConsumerProgress','UntagResources',
  'ChangeMicroserviceEngineSpecifications','UpdateMicroserviceEngineConfigurations','DeleteInstanceV1','CreateInstanceTopicsAccesspolicy',
  'QueryConfigurationList','CreateStaticInformationForMicroservice','QueryUniqueServiceOrSchemaIDOfMicroservice',
  'QueryMicroserviceInstanceBasedOnServiceId','QueryDetailsAboutMicroserviceInstance','QueryMicroserviceInstancesInBatches','GetInstanceList'}
SEED = 20261201
def pick():
    rng = random.Random(SEED)
    out = {}
    for svc in DOCS:
        s = yaml.load(open(f'{ROOT}/specs/{svc}.yaml'), Loader=yaml.BaseLoader)
        ids = [o['id'] for o in s['operations'] if o['id'] not in EXCLUDE]
        out[svc] = sorted(rng.sample(ids, 8), key=ids.index)
    return out

def fields(flist, out, prefix=''):
    for f in flist or []:
        out.append((prefix + f['name'], f))
        fields(f.get('fields'), out, prefix + f['name'] + '.')

FACT = re.compile(r'取值|枚举|Valid values|Range|Value:|Values:|默认|[Dd]efault|长度|characters|字符|最大|最小|不超过|至少|大于|小于|\d+\s*(?:~|-|to|到)\s*\d+|Fixed value|Set it to|Set the value|only .* supported|仅支持|只支持|•|·|：\s*[A-Za-z]|[A-Za-z0-9]\s*[:：]\s')
def main():
    chosen = pick()
    report = {}
    for svc, ids in chosen.items():
        s = yaml.load(open(f'{ROOT}/specs/{svc}.yaml'), Loader=yaml.BaseLoader)
        lines = open(f'{ROOT}/specs/sources/{DOCS[svc]}').read().split('\n')
        starts = sorted(int(o['source']['line']) for o in s['operations'])
        for op in s['operations']:
            if op['id'] not in ids: continue
            a = int(op['source']['line']); later = [x for x in starts if x > a]
            b = later[0] if later else len(lines) + 1
            fl = []
            for p in op.get('parameters', []): fields([p], fl, 'P:')
            if op.get('body'): fields(op['body'].get('fields'), fl, 'B:')
            for r in op.get('responses', []):
                fields(r.get('headers'), fl, f'RH{r["status"]}:')
                if r.get('body'): fields(r['body'].get('fields'), fl, f'R{r["status"]}:')
            for tn, t in (op.get('types') or {}).items(): fields(t.get('fields'), fl, f'T:{tn}.')
            byline = {}
            for path, f in fl:
                if 'line' in f: byline.setdefault(int(f['line']), []).append((path, f))
            exlines = set()
            for r in op.get('responses', []):
                for e in r.get('examples', []): exlines.add(int(e['line']))
            for e in op.get('request_examples', []): exlines.add(int(e['line']))
            errlines = {int(e['line']) for e in op.get('errors', []) if 'line' in e}
            rows = []
            for i in range(a, b):
                t = lines[i-1]
                if t.startswith('```'):
                    rows.append(('example', i, t, 'ok' if i in exlines else 'CHECK: fence not an example start?'))
                elif '\t' in t:
                    cells = t.split('\t')
                    if i in byline:
                        rows.append(('row', i, t, byline[i]))
                    elif i in errlines:
                        rows.append(('error', i, t, 'ok'))
                    else:
                        rows.append(('other', i, t, None))
            report[f'{svc}:{op["id"]}'] = (a, b, rows)
    return chosen, report

if __name__ == '__main__':
    chosen, report = main()
    print(json.dumps(chosen, indent=1))
    nrow = nex = nerr = noth = 0
    for k, (a, b, rows) in report.items():
        print(f'\n===== {k} L{a}-{b-1}')
        for kind, i, t, info in rows:
            if kind == 'row':
                nrow += 1
                cells = [c.strip() for c in t.split('\t')]
                name = re.sub(r'<[^>]+>|\s', '', cells[0])
                desc = cells[-1]
                for path, f in info:
                    facts = {k2: f[k2] for k2 in ('enum', 'default', 'constraints') if k2 in f}
                    if 'enum' in facts: facts['enum'] = [e['value'] for e in facts['enum']]
                    req = f.get('required', 'false')
                    print(f'  L{i} {path} type={f["type"]} req={req} ex={f.get("example")!r} {json.dumps(facts, ensure_ascii=False)}')
                dtext = re.sub(r'<[^>]+>', ' ', desc)
                flag = FACT.search(dtext)
                print(f'      DOC: {" | ".join(cells[:-1])} || {dtext[:400]}' + ('   <<FACT?' if flag else ''))
            elif kind == 'example':
                nex += 1
                if info != 'ok': print(f'  L{i} {t} {info}')
            elif kind == 'error':
                nerr += 1
                print(f'  L{i} ERROR ROW ok: {t[:100]}')
            else:
                noth += 1
                print(f'  L{i} OTHER: {t[:160]}')
    print(f'\nrows {nrow}, example fences {nex}, error rows {nerr}, other tab lines {noth}', file=sys.stderr)
