#!/usr/bin/python3
# -*- coding: utf-8 -*-
# The BrainFrame Fleet Licenses command line (bf-license) as one Ansible module: it runs the
# command on the inventory host (the machine that reaches that site's servers), reads its --json
# output, and says honestly what changed and what failed. Standard library only.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bf_license
short_description: Run bf-license (BrainFrame Fleet Licenses) on this host, with JSON in and out
description:
  - C(status) reads the selected servers' licenses (C(bf-license status --json)); it never changes a license, so it reports C(changed=false).
  - C(apply) sends a license key (given as O(key), passed on standard input, never as an argument) with
    C(bf-license apply --key - --json), after a C(status --json) over the same selection. C(changed) is
    true only for servers whose license (state and terms) differs after the apply from just before,
    matched by server id; re-applying the key a server already holds reports C(changed=false).
    It fails when any server failed, with each failure's error kind (C(Halted), C(RemoteConnectionError), ...).
  - C(report) writes this host's report (C(bf-license report --all --format FORMAT --out PATH)).
  - C(merge) renders one report from report JSON files (C(bf-license report --from FILE ...)), usually on the controller.
options:
  action: {type: str, required: true, choices: [status, apply, report, merge]}
  cli: {type: str, default: bf-license, description: The command, split like a shell would (e.g. C(node /opt/bf/bin/bf-license.js)).}
  data_dir: {type: path, description: bf-license's --data-dir; default its own (BF_FLEET_DATA_DIR or the per-user folder).}
  site: {type: str, description: Only the servers of this site.}
  servers: {type: list, elements: str, description: Only these servers, by name.}
  key: {type: str, no_log: true, description: For apply, the key text (from Ansible Vault).}
  key_label: {type: str, description: For apply, a key already in this host's key library instead of O(key).}
  canary: {type: int, default: 0, description: For apply, try the key on the first N servers first.}
  force: {type: bool, default: false, description: For apply, past the guards (see bf-license apply --help).}
  concurrency: {type: int}
  timeout: {type: float, description: Seconds per request.}
  streams: {type: bool, default: false, description: For status, also read each server's streams.}
  refresh: {type: bool, default: false, description: For report, read every server first (otherwise the last known status, with its age).}
  fail_on_server_error: {type: bool, default: false, description: For status, fail when a server could not be read (the results say which either way).}
  format: {type: str, choices: [html, pdf, csv, json, ics], default: json}
  out: {type: path, description: For report and merge, the file to write.}
  sources: {type: list, elements: path, description: For merge, the report JSON files.}
"""

RETURN = r"""
results: {description: One entry per server, as bf-license --json gives it (id, name, url, site, ok, state, terms, version, error).}
summary: {description: '{total, ok, failed}'}
changed_servers: {description: For apply, the names of the servers whose license changed.}
failed_servers: {description: 'The servers that failed, each {name, kind, message}.'}
error_kinds: {description: The error kinds of the failures, once each, in order.}
"""

import json
import shlex

from ansible.module_utils.basic import AnsibleModule


def selection(params):
    if params['site'] is not None:
        return ['--site', params['site']]
    if params['servers']:
        args = []
        for name in params['servers']:
            args += ['--server', name]
        return args
    return ['--all']


def run_options(params):
    args = []
    if params['concurrency'] is not None:
        args += ['--concurrency', str(params['concurrency'])]
    if params['timeout'] is not None:
        args += ['--timeout', str(params['timeout'])]
    return args


class Cli(object):
    def __init__(self, module):
        self.module = module
        self.argv = shlex.split(module.params['cli'])
        if module.params['data_dir']:
            self.common = ['--data-dir', module.params['data_dir']]
        else:
            self.common = []

    def run(self, args, data=None):
        """Runs bf-license; returns (exit status, stdout, stderr). The command's own exit 2 (usage or input) fails the task."""
        argv = self.argv + args + self.common
        # The key reaches the command on standard input only: never in argv, where `ps` shows it.
        rc, out, err = self.module.run_command(argv, data=data, binary_data=True, check_rc=False)
        if rc not in (0, 1):
            self.module.fail_json(msg='bf-license %s: %s' % (args[0], (err.strip() or out.strip() or 'exit status %d' % rc)),
                                  rc=rc, stderr=err, cmd=self.argv + [args[0]])
        return rc, out, err

    def json(self, args, data=None):
        rc, out, err = self.run(args + ['--json'], data)
        try:
            doc = json.loads(out)
        except ValueError:
            self.module.fail_json(msg='bf-license %s printed no JSON (exit status %d): %s' % (args[0], rc, err.strip() or out.strip()), rc=rc, stderr=err)
        return rc, doc, err


def failures(results):
    return [{'name': r['name'], 'kind': r['error']['kind'], 'message': r['error']['message']} for r in results if not r['ok'] and r.get('error')]


def failure_words(failed):
    return '; '.join('%s: %s (%s)' % (f['name'], f['kind'], f['message']) for f in failed)


def kinds(failed):
    seen = []
    for f in failed:
        if f['kind'] not in seen:
            seen.append(f['kind'])
    return seen


def license_of(result):
    return {'state': result.get('state'), 'terms': result.get('terms')}


def license_changed(result, before):
    """Whether the apply changed this server's license (state or terms), matched by server id.

    A server that answered the status read just before is compared with what it held then. One that
    did not answer then counts only when the apply succeeded on it: a failed result may carry the
    last known license, not a new one."""
    if result['state'] is None:
        return False
    if result['id'] in before:
        return license_of(result) != before[result['id']]
    return result['ok']


def status(module, cli):
    p = module.params
    args = ['status'] + selection(p) + run_options(p) + (['--streams'] if p['streams'] else [])
    rc, doc, err = cli.json(args)
    failed = failures(doc['results'])
    result = dict(changed=False, results=doc['results'], summary=doc['summary'], failed_servers=failed, error_kinds=kinds(failed))
    if failed and p['fail_on_server_error']:
        module.fail_json(msg='bf-license status: %d of %d servers could not be read: %s' % (len(failed), doc['summary']['total'], failure_words(failed)), **result)
    if failed:
        module.warn('%d of %d servers could not be read: %s' % (len(failed), doc['summary']['total'], failure_words(failed)))
    module.exit_json(msg='%d servers read, %d failed' % (doc['summary']['total'], len(failed)), **result)


def apply(module, cli):
    p = module.params
    if (p['key'] is None) == (p['key_label'] is None):
        module.fail_json(msg='Give the key one way: key (its text, from Ansible Vault) or key_label (a key already in this host\'s library).')
    if module.check_mode:
        module.exit_json(changed=False, skipped=True, msg='Check mode: no key sent. What a key changes is known only once a server has taken it.')
    chosen = selection(p) + run_options(p)
    # The license each server holds just before, read over the same selection, to tell what the apply changed.
    _, before_doc, _ = cli.json(['status'] + chosen)
    before = dict((r['id'], license_of(r)) for r in before_doc['results'] if r['ok'])
    args = ['apply'] + chosen + (['--canary', str(p['canary'])] if p['canary'] else []) + (['--force'] if p['force'] else [])
    if p['key'] is not None:
        rc, doc, err = cli.json(args + ['--key', '-'], data=p['key'].encode('utf-8'))
    else:
        rc, doc, err = cli.json(args + ['--key-label', p['key_label']])
    results = doc['results']
    changed_servers = [r['name'] for r in results if license_changed(r, before)]
    failed = failures(results)
    result = dict(changed=bool(changed_servers), changed_servers=changed_servers, results=results, summary=doc['summary'],
                  failed_servers=failed, error_kinds=kinds(failed), rc=rc)
    if failed:
        module.fail_json(msg='bf-license apply failed on %d of %d servers [%s]: %s' % (len(failed), doc['summary']['total'], ', '.join(kinds(failed)), failure_words(failed)), **result)
    module.exit_json(msg='key applied to %d servers, %d licenses changed' % (doc['summary']['total'], len(changed_servers)), **result)


def report(module, cli, sources=None):
    p = module.params
    if not p['out']:
        module.fail_json(msg='out: give the file to write the report to.')
    if sources is None:
        args = ['report'] + selection(p) + run_options(p) + (['--refresh'] if p['refresh'] else [])
    else:
        if not sources:
            module.fail_json(msg='sources: give the report JSON files to merge.')
        args = ['report']
        for source in sources:
            args += ['--from', source]
    rc, out, err = cli.run(args + ['--format', p['format'], '--out', p['out']])
    # A report changes nothing on the servers; the file it writes is the task's output, so it counts as changed.
    result = dict(changed=True, path=p['out'], rc=rc, stdout=out, stderr=err)
    if rc == 1:
        module.warn(err.strip() or 'some servers could not be read: the report shows their last known status.')
    module.exit_json(msg=out.strip(), **result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            action=dict(type='str', required=True, choices=['status', 'apply', 'report', 'merge']),
            cli=dict(type='str', default='bf-license'),
            data_dir=dict(type='path'),
            site=dict(type='str'),
            servers=dict(type='list', elements='str'),
            key=dict(type='str', no_log=True),
            key_label=dict(type='str'),
            canary=dict(type='int', default=0),
            force=dict(type='bool', default=False),
            concurrency=dict(type='int'),
            timeout=dict(type='float'),
            streams=dict(type='bool', default=False),
            refresh=dict(type='bool', default=False),
            fail_on_server_error=dict(type='bool', default=False),
            format=dict(type='str', default='json', choices=['html', 'pdf', 'csv', 'json', 'ics']),
            out=dict(type='path'),
            sources=dict(type='list', elements='path'),
        ),
        mutually_exclusive=[('site', 'servers')],
        supports_check_mode=True,
    )
    if not shlex.split(module.params['cli']):
        module.fail_json(msg='cli: give the bf-license command, such as bf-license or "node /opt/bf-license/bin/bf-license.js".')
    cli = Cli(module)
    action = module.params['action']
    if action in ('report', 'merge') and module.check_mode:
        module.exit_json(changed=False, skipped=True, msg='Check mode: no report written.')
    if action == 'status':
        status(module, cli)
    elif action == 'apply':
        apply(module, cli)
    elif action == 'report':
        report(module, cli)
    else:
        report(module, cli, module.params['sources'] or [])


if __name__ == '__main__':
    main()
