/*
 * report-html.c - `plugcheck check --format html`: one self-contained
 * HTML5 page (inline CSS and script, no network) from the check's JSON
 * document, the one --format json prints, so the two cannot drift.
 *
 * Everything a reader needs is rendered here, as static HTML: the grid
 * or rows of cells coloured by verdict and every finding with why and
 * fix.  The document itself is embedded as a data island (every '<', '>'
 * and '&' written as a \u escape) that the inline script reads to add
 * what needs a browser: a cell opens its findings, filters by rule and
 * device hide findings and recolour the cells, and the state lives in the
 * URL's fragment (#open=CELL&rule=ID&device=TYPE) so a link reopens it.
 * Documentation/html-report.md.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "report-html.h"
#include "report-json.h"
#include "util.h"

#include "banned.h"

#define ARROW "\xe2\x86\x92" /* U+2192 in UTF-8 */

/* A cell's verdict: its CSS class, the word in the cell, what it means. */
enum verdict { V_OK, V_REVIEW, V_KNOWN, V_FAIL, V_ERROR, V_NA };

static const struct {
	const char *cls, *word, *meaning;
} verdicts[] = {
	[V_OK] = { "compatible", "ok", "compatible" },
	[V_REVIEW] = { "review", "review", "compatible, findings to review" },
	[V_KNOWN] = { "known", "known", "known break (acknowledged in abi/known-breaks)" },
	[V_FAIL] = { "incompatible", "FAIL", "incompatible" },
	[V_ERROR] = { "error", "error", "error: an input was refused, no verdict" },
	[V_NA] = { "na", "n/a", "not applicable: the release does not know the machine type" },
};

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}\n"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}\n"
	"table{border-collapse:collapse;margin:.5em 1.5em 1em 0;display:inline-table;vertical-align:top}\n"
	"caption{text-align:left;font-weight:bold;padding:.2em 0}\n"
	"th,td{border:1px solid #bbb;padding:.15em .5em;text-align:center}\n"
	"th{background:#f2f2f2;font-weight:normal}th[scope=row]{text-align:left}\n"
	"td.cell a{color:inherit;text-decoration:none;display:block}\n"
	".v-compatible,.f-compatible{background:#c8e6c9}.v-review,.f-review{background:#fff59d}\n"
	".v-known,.f-known{background:repeating-linear-gradient(45deg,#ffcc80 0 6px,#ffe0b2 6px 12px)}\n"
	".v-incompatible,.f-incompatible{background:#ef9a9a;font-weight:bold}\n"
	".v-error{background:#616161;color:#fff}.v-na{background:#eee;color:#888}\n"
	"td.cell.match{outline:3px solid #1565c0;outline-offset:-3px}\n"
	"td.cell.dim{opacity:.3}td.cell.open{box-shadow:inset 0 0 0 3px #000}\n"
	".legend span{display:inline-block;padding:0 .5em;margin-right:.3em;border:1px solid #bbb}\n"
	".js-only{display:none}html.js .js-only{display:block}\n"
	"#panel{border:2px solid #1565c0;padding:.5em 1em;margin:1em 0;background:#fafcff}\n"
	"ol.findings{padding-left:1.5em}li.finding{margin:.6em 0;padding:.3em .6em;border-left:4px solid #bbb}\n"
	"li.sev-incompatible{border-color:#c62828}li.sev-needs-review{border-color:#f9a825}\n"
	"li.known{border-color:#ef6c00}.rule{font-family:monospace}\n"
	".kb{background:#ef6c00;color:#fff;padding:0 .4em;border-radius:3px}\n"
	"dl{margin:.2em 0;display:grid;grid-template-columns:max-content auto;gap:0 1em}\n"
	"dt{color:#555}dd{margin:0;white-space:pre-wrap}\n";

/* Script errors, console errors and anything the page's
 * Content-Security-Policy blocked (it allows no network and no external
 * asset) go into the page, data-errors on <html>, where a headless
 * browser's --dump-dom shows them; installed before any other script. */
static const char catcher[] =
	"(function(){var r=document.documentElement;"
	"function note(m){r.setAttribute('data-errors',(r.getAttribute('data-errors')||'')+m+'\\n');}"
	"window.addEventListener('error',function(e){note(e.message+' (line '+e.lineno+')');});"
	"document.addEventListener('securitypolicyviolation',function(e){"
	"note('blocked by the page\\'s Content-Security-Policy: '+e.violatedDirective+' '+e.blockedURI);});"
	"var ce=console.error;console.error=function(){note([].join.call(arguments,' '));"
	"return ce.apply(console,arguments);};})();\n";

static const char script[] =
	"(function(){'use strict';\n"
	"var d=document,root=d.documentElement;root.classList.add('js');\n"
	"var data=JSON.parse(d.getElementById('plugcheck-data').textContent);\n"
	"var list=data.mode==='release-matrix'?data.breaks:data.findings;\n"
	"var items=[].slice.call(d.querySelectorAll('#findings-list > li.finding'));\n"
	"var cells=[].slice.call(d.querySelectorAll('td.cell'));\n"
	"var ruleSel=d.getElementById('f-rule'),devSel=d.getElementById('f-device');\n"
	"var panel=d.getElementById('panel'),rank={compatible:0,review:1,known:2,incompatible:3};\n"
	"function words(s){return s?s.split(' '):[];}\n"
	"function devtype(f){return (f.device||'').split('/')[0];}\n"
	"function fill(sel,get){var seen={},vals=[];list.forEach(function(f){var v=get(f);\n"
	" if(v&&!seen[v]){seen[v]=1;vals.push(v);}});\n"
	" vals.sort().forEach(function(v){var o=d.createElement('option');o.value=v;o.textContent=v;sel.appendChild(o);});}\n"
	"fill(ruleSel,function(f){return f.rule;});fill(devSel,devtype);\n"
	"function state(){var st={open:'',rule:'',device:''};\n"
	" location.hash.replace(/^#/,'').split('&').forEach(function(kv){var i=kv.indexOf('=');\n"
	"  if(i>0&&st.hasOwnProperty(kv.slice(0,i)))st[kv.slice(0,i)]=decodeURIComponent(kv.slice(i+1));});\n"
	" return st;}\n"
	"function go(st){var h=[];['open','rule','device'].forEach(function(k){\n"
	" if(st[k])h.push(k+'='+encodeURIComponent(st[k]));});location.hash=h.join('&');}\n"
	"function matches(li,st){return(!st.rule||li.dataset.rule===st.rule)&&(!st.device||li.dataset.device===st.device);}\n"
	"function weight(li,c){var s=li.dataset.sev;if(s==='incompatible')\n"
	" return words(li.dataset.knownCells).indexOf(c)>=0?'known':'incompatible';\n"
	" return s==='needs-review'?'review':'compatible';}\n"
	/* what the island says of a cell beyond its findings */
	"function describe(c){var m;\n"
	" if((m=/^c(\\d+)-(\\d+)$/.exec(c))){var k=data.configurations[+m[1]];\n"
	"  return 'configuration '+k.configuration+' ('+k.why+'); '+counts(k.pairs[+m[2]]);}\n"
	" if((m=/^n(\\d+)-/.exec(c)))return data.not_applicable[+m[1]]+' does not know machine type '+data.machine+': not applicable';\n"
	" if((m=/^m(\\d+)-/.exec(c)))return 'machine type '+data.machines[+m[1]].name;\n"
	" return '';}\n"
	"function counts(p){return 'verdict: '+p.verdict+'; '+p.incompatible+' incompatible, '+p.known_breaks+\n"
	" ' known breaks, '+p.needs_review+' to review';}\n"
	/* a release-matrix break: where it shows in this cell, from the island */
	"function here(li,c){var m=/^m(\\d+)-(\\d+)-(\\d+)$/.exec(c);if(!m)return null;\n"
	" var b=data.breaks[+li.dataset.index],mn=data.machines[+m[1]].name,out=[];\n"
	" b.occurrences.forEach(function(o){if(o.machine===mn&&o.source===data.releases[+m[2]]&&o.destination===data.releases[+m[3]])\n"
	"  out.push('here: '+o.config+(o.known?'; known break: '+o.known_reason:''));});\n"
	" var p=d.createElement('p');p.className='here';p.textContent=out.join('\\n');return p;}\n"
	"function showPanel(st){panel.textContent='';var td=st.open&&d.getElementById('cell-'+st.open);\n"
	" if(!td){panel.hidden=true;return;}panel.hidden=false;\n"
	" var h=d.createElement('h2');h.textContent=td.title;panel.appendChild(h);\n"
	" var p=d.createElement('p');p.textContent=describe(st.open);panel.appendChild(p);\n"
	" var ol=d.createElement('ol'),all=0,n=0;ol.className='findings';\n"
	" items.forEach(function(li){if(words(li.dataset.cells).indexOf(st.open)<0)return;all++;\n"
	"  if(!matches(li,st))return;var c=li.cloneNode(true);c.removeAttribute('id');c.hidden=false;\n"
	"  c.classList.toggle('known',weight(li,st.open)==='known');var x=here(li,st.open);if(x)c.appendChild(x);\n"
	"  ol.appendChild(c);n++;});\n"
	" var s=d.createElement('p');s.className='panel-count';\n"
	" s.textContent=all?n+' of '+all+' findings shown'+(all>n?' ('+(all-n)+' hidden by the filters)':''):'no findings in this cell';\n"
	" panel.appendChild(s);panel.appendChild(ol);\n"
	" var a=d.createElement('a');a.href='#';a.textContent='close';a.addEventListener('click',function(e){\n"
	"  e.preventDefault();var t=state();t.open='';go(t);});panel.appendChild(a);}\n"
	"function apply(){var st=state(),filtered=!!(st.rule||st.device),per={},shown=0;\n"
	" ruleSel.value=st.rule;devSel.value=st.device;\n"
	" items.forEach(function(li){var ok=matches(li,st);li.hidden=!ok;if(!ok)return;shown++;\n"
	"  words(li.dataset.cells).forEach(function(c){var v=weight(li,c),q=per[c]||(per[c]={n:0,v:'compatible'});\n"
	"   q.n++;if(rank[v]>rank[q.v])q.v=v;});});\n"
	" cells.forEach(function(td){var c=td.dataset.cell,q=per[c];\n"
	"  td.classList.remove('match','dim','f-compatible','f-review','f-known','f-incompatible');\n"
	"  td.removeAttribute('data-filtered');\n"
	"  if(filtered&&q){td.classList.add('match','f-'+q.v);td.setAttribute('data-filtered',q.v);}\n"
	"  else if(filtered)td.classList.add('dim');\n"
	"  td.classList.toggle('open',c===st.open);});\n"
	" d.getElementById('f-count').textContent=shown+' of '+items.length+' shown';\n"
	" showPanel(st);root.setAttribute('data-ready','1');}\n"
	"d.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('td.cell a');if(!a)return;\n"
	" e.preventDefault();var st=state(),c=a.parentNode.dataset.cell;st.open=st.open===c?'':c;go(st);\n"
	" if(st.open)panel.scrollIntoView();});\n"
	"ruleSel.addEventListener('change',function(){var st=state();st.rule=ruleSel.value;go(st);});\n"
	"devSel.addEventListener('change',function(){var st=state();st.device=devSel.value;go(st);});\n"
	"window.addEventListener('hashchange',apply);apply();})();\n";

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* 's' as HTML text or attribute value */
static void esc(struct pc_strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			pc_strbuf_addstr(sb, "&amp;");
			break;
		case '<':
			pc_strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			pc_strbuf_addstr(sb, "&gt;");
			break;
		case '"':
			pc_strbuf_addstr(sb, "&quot;");
			break;
		case '\'':
			pc_strbuf_addstr(sb, "&#39;");
			break;
		default:
			pc_strbuf_addch(sb, *s);
		}
	}
}

/* <tag>text</tag>, the text escaped */
static void elem(struct pc_strbuf *sb, const char *open, const char *text,
		 const char *close)
{
	pc_strbuf_addstr(sb, open);
	esc(sb, text);
	pc_strbuf_addstr(sb, close);
}

static const char *jstr_at(const json_t *arr, size_t i)
{
	const char *s = json_string_value(json_array_get(arr, i));

	return s ? s : "";
}

static ssize_t index_of(const json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (!strcmp(jstr_at(arr, i), s))
			return (ssize_t)i;
	return -1;
}

/* a direction's verdict (pc_pairs_to_json()) as a cell's */
static enum verdict pair_verdict(const json_t *p)
{
	const char *v = jstr(p, "verdict");

	if (!strcmp(v, "error"))
		return V_ERROR;
	if (!strncmp(v, "incompatible (known", 19))
		return V_KNOWN;
	if (!strcmp(v, "incompatible"))
		return V_FAIL;
	if (json_integer_value(json_object_get(p, "known_breaks")))
		return V_KNOWN;
	if (json_integer_value(json_object_get(p, "needs_review")))
		return V_REVIEW;
	return V_OK;
}

/* a release-matrix grid word (check-render.c, cell_word()) */
static enum verdict word_verdict(const char *w)
{
	static const char *const words[] = {
		[V_OK] = "ok", [V_REVIEW] = "review", [V_KNOWN] = "known",
		[V_FAIL] = "FAIL",
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(words); i++)
		if (words[i] && w && !strcmp(words[i], w))
			return (enum verdict)i;
	return V_ERROR;
}

/* one cell: id "ID" is element cell-ID, its link #open=ID */
static void cell(struct pc_strbuf *sb, const char *id, enum verdict v,
		 const char *title)
{
	pc_strbuf_addf(sb, "<td class=\"cell v-%s\" id=\"cell-%s\" data-cell=\"%s\" data-verdict=\"%s\" title=\"",
		       verdicts[v].cls, id, id, verdicts[v].cls);
	esc(sb, title);
	pc_strbuf_addf(sb, "\"><a href=\"#open=%s\">%s</a></td>", id,
		       verdicts[v].word);
}

/* the cell of direction 'p', "SRC → DST: verdict (counts)" its title */
static void pair_cell(struct pc_strbuf *sb, const char *id, const json_t *p,
		      const char *prefix)
{
	char *title = pc_xasprintf("%s%s " ARROW " %s: %s; %lld incompatible, %lld known breaks, %lld to review",
				   prefix, jstr(p, "source"), jstr(p, "destination"),
				   jstr(p, "verdict"),
				   (long long)json_integer_value(json_object_get(p, "incompatible")),
				   (long long)json_integer_value(json_object_get(p, "known_breaks")),
				   (long long)json_integer_value(json_object_get(p, "needs_review")));

	cell(sb, id, pair_verdict(p), title);
	free(title);
}

static ssize_t find_pair(const json_t *pairs, const char *src,
			 const char *dst, const bool *done)
{
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		const json_t *p = json_array_get(pairs, i);

		if (!done[i] && !strcmp(jstr(p, "source"), src) &&
		    !strcmp(jstr(p, "destination"), dst))
			return (ssize_t)i;
	}
	return -1;
}

static void slot(struct pc_strbuf *sb, const json_t *pairs, ssize_t i,
		 bool *done)
{
	char id[32];

	if (i < 0) {
		pc_strbuf_addstr(sb, "<td></td>");
		return;
	}
	done[i] = true;
	snprintf(id, sizeof(id), "p%zd", i);
	pair_cell(sb, id, json_array_get(pairs, (size_t)i), "");
}

/* the main job: a row a release, its two directions with the tree; the
 * releases that do not know the machine type as rows of n/a */
static void main_rows(struct pc_strbuf *sb, const json_t *doc)
{
	const json_t *pairs = json_object_get(doc, "pairs");
	const json_t *na = json_object_get(doc, "not_applicable");
	size_t n = json_array_size(pairs);
	bool *done = pc_xcalloc(n + 1, sizeof(bool));

	pc_strbuf_addstr(sb, "<table class=\"rows\" id=\"directions\"><caption>The tree against each recorded release</caption>\n"
			 "<thead><tr><th>release</th><th>release " ARROW " tree</th><th>tree " ARROW " release</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(pairs, i);
		const char *rel = strcmp(jstr(p, "source"), "tree")
				  ? jstr(p, "source") : jstr(p, "destination");

		if (done[i])
			continue;
		elem(sb, "<tr><th scope=\"row\">", rel, "</th>");
		slot(sb, pairs, find_pair(pairs, rel, "tree", done), done);
		slot(sb, pairs, find_pair(pairs, "tree", rel, done), done);
		pc_strbuf_addstr(sb, "</tr>\n");
	}
	for (size_t k = 0; k < json_array_size(na); k++) {
		const char *rel = jstr_at(na, k);
		char *title = pc_xasprintf("%s: %s", rel, verdicts[V_NA].meaning);

		elem(sb, "<tr><th scope=\"row\">", rel, "</th>");
		for (int dir = 0; dir < 2; dir++) {
			char id[48];

			snprintf(id, sizeof(id), "n%zu-%d", k, dir);
			cell(sb, id, V_NA, title);
		}
		pc_strbuf_addstr(sb, "</tr>\n");
		free(title);
	}
	pc_strbuf_addstr(sb, "</tbody></table>\n");
	free(done);
}

/* a pair or a chain: a row a direction */
static void pair_rows(struct pc_strbuf *sb, const json_t *doc)
{
	const json_t *pairs = json_object_get(doc, "pairs");

	pc_strbuf_addstr(sb, "<table class=\"rows\" id=\"directions\"><thead><tr><th>source</th><th>destination</th><th>verdict</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		const json_t *p = json_array_get(pairs, i);
		char id[32];

		snprintf(id, sizeof(id), "p%zu", i);
		elem(sb, "<tr><th scope=\"row\">", jstr(p, "source"), "</th>");
		elem(sb, "<th scope=\"row\">", jstr(p, "destination"), "</th>");
		pair_cell(sb, id, p, "");
		pc_strbuf_addstr(sb, "</tr>\n");
	}
	pc_strbuf_addstr(sb, "</tbody></table>\n");
}

/* the main job's extra configurations: a row each, its directions */
static void config_rows(struct pc_strbuf *sb, const json_t *doc)
{
	const json_t *cf = json_object_get(doc, "configurations");
	const json_t *first = json_object_get(json_array_get(cf, 0), "pairs");

	if (!json_array_size(cf))
		return;
	pc_strbuf_addstr(sb, "<h2>Extra configurations</h2>\n<table class=\"rows\" id=\"configurations\"><thead><tr><th>configuration</th>");
	for (size_t i = 0; i < json_array_size(first); i++) {
		const json_t *p = json_array_get(first, i);

		elem(sb, "<th>", jstr(p, "source"), " " ARROW " ");
		elem(sb, "", jstr(p, "destination"), "</th>");
	}
	pc_strbuf_addstr(sb, "</tr></thead><tbody>\n");
	for (size_t n = 0; n < json_array_size(cf); n++) {
		const json_t *c = json_array_get(cf, n), *pairs = json_object_get(c, "pairs");
		char *prefix = pc_xasprintf("%s: ", jstr(c, "configuration"));

		pc_strbuf_addstr(sb, "<tr><th scope=\"row\" title=\"");
		esc(sb, jstr(c, "why"));
		elem(sb, "\">", jstr(c, "configuration"), "</th>");
		for (size_t i = 0; i < json_array_size(pairs); i++) {
			char id[48];

			snprintf(id, sizeof(id), "c%zu-%zu", n, i);
			pair_cell(sb, id, json_array_get(pairs, i), prefix);
		}
		pc_strbuf_addstr(sb, "</tr>\n");
		free(prefix);
	}
	pc_strbuf_addstr(sb, "</tbody></table>\n");
}

static void grid_head(struct pc_strbuf *sb, const char *caption,
		      const json_t *labels)
{
	elem(sb, "<table class=\"grid\"><caption>", caption,
	     "</caption>\n<thead><tr><th>from \\ to</th>");
	for (size_t b = 0; b < json_array_size(labels); b++)
		elem(sb, "<th>", jstr_at(labels, b), "</th>");
	pc_strbuf_addstr(sb, "</tr></thead><tbody>\n");
}

/* --matrix: sides x sides, the directions row-major */
static void matrix_grid(struct pc_strbuf *sb, const json_t *doc)
{
	const json_t *sides = json_object_get(doc, "sides");
	const json_t *pairs = json_object_get(doc, "pairs");
	size_t ns = json_array_size(sides);
	char *caption = pc_xasprintf("Machine type %s", jstr(doc, "machine"));

	grid_head(sb, caption, sides);
	for (size_t a = 0; a < ns; a++) {
		elem(sb, "<tr><th scope=\"row\">",
		     jstr_at(sides, a), "</th>");
		for (size_t b = 0; b < ns && a * ns + b < json_array_size(pairs); b++) {
			char id[32];

			snprintf(id, sizeof(id), "p%zu", a * ns + b);
			pair_cell(sb, id, json_array_get(pairs, a * ns + b), "");
		}
		pc_strbuf_addstr(sb, "</tr>\n");
	}
	pc_strbuf_addstr(sb, "</tbody></table>\n");
	free(caption);
}

/* --release-matrix, one machine type: the recorded releases that know it,
 * each against each; a cell's id names the releases by their index in
 * the document's "releases" */
static void release_grid(struct pc_strbuf *sb, const json_t *rels,
			 const json_t *m, size_t mi)
{
	const json_t *sides = json_object_get(m, "sides"), *grid = json_object_get(m, "grid");
	size_t ns = json_array_size(sides);

	grid_head(sb, jstr(m, "name"), sides);
	for (size_t a = 0; a < ns; a++) {
		const char *ra = jstr_at(sides, a);

		elem(sb, "<tr><th scope=\"row\">", ra, "</th>");
		for (size_t b = 0; b < ns; b++) {
			const char *rb = jstr_at(sides, b);
			enum verdict v = word_verdict(jstr_at(json_array_get(grid, a), b));
			char id[80], *title;

			snprintf(id, sizeof(id), "m%zu-%zd-%zd", mi, index_of(rels, ra),
				 index_of(rels, rb));
			title = pc_xasprintf("%s: %s " ARROW " %s: %s", jstr(m, "name"),
					     ra, rb, verdicts[v].meaning);
			cell(sb, id, v, title);
			free(title);
		}
		pc_strbuf_addstr(sb, "</tr>\n");
	}
	pc_strbuf_addstr(sb, "</tbody></table>\n");
}

/* the directions of 'pairs' that 'dir' names: "pN", or "cC-N" in
 * configuration 'c' (c >= 0) */
static void match_pairs(struct pc_strbuf *ids, const json_t *pairs,
			const json_t *dir, ssize_t c)
{
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		const json_t *p = json_array_get(pairs, i);

		if (strcmp(jstr(p, "source"), jstr(dir, "source")) ||
		    strcmp(jstr(p, "destination"), jstr(dir, "destination")))
			continue;
		if (ids->len)
			pc_strbuf_addch(ids, ' ');
		if (c >= 0)
			pc_strbuf_addf(ids, "c%zd-%zu", c, i);
		else
			pc_strbuf_addf(ids, "p%zu", i);
	}
}

/* a finding's cells: the direction (and configuration) it was found in */
static void pair_cells(struct pc_strbuf *ids, const json_t *doc,
		       const json_t *f)
{
	const json_t *dir = json_object_get(f, "direction");
	const char *cfg = json_string_value(json_object_get(f, "configuration"));
	const json_t *cf = json_object_get(doc, "configurations");

	if (!cfg) {
		match_pairs(ids, json_object_get(doc, "pairs"), dir, -1);
		return;
	}
	for (size_t n = 0; n < json_array_size(cf); n++) {
		const json_t *c = json_array_get(cf, n);

		if (!strcmp(jstr(c, "configuration"), cfg))
			match_pairs(ids, json_object_get(c, "pairs"), dir, (ssize_t)n);
	}
}

/* a release-matrix break's cells, all and those where it is known */
static void break_cells(struct pc_strbuf *ids, struct pc_strbuf *known,
			const json_t *doc, const json_t *b)
{
	const json_t *occ = json_object_get(b, "occurrences");
	const json_t *rels = json_object_get(doc, "releases");
	const json_t *ms = json_object_get(doc, "machines");

	for (size_t k = 0; k < json_array_size(occ); k++) {
		const json_t *o = json_array_get(occ, k);
		ssize_t a = index_of(rels, jstr(o, "source"));
		ssize_t d = index_of(rels, jstr(o, "destination"));
		size_t mi;

		for (mi = 0; mi < json_array_size(ms); mi++)
			if (!strcmp(jstr(json_array_get(ms, mi), "name"), jstr(o, "machine")))
				break;
		if (a < 0 || d < 0 || mi == json_array_size(ms))
			continue;
		pc_strbuf_addf(ids, "%sm%zu-%zd-%zd", ids->len ? " " : "", mi, a, d);
		if (json_is_true(json_object_get(o, "known")))
			pc_strbuf_addf(known, "%sm%zu-%zd-%zd", known->len ? " " : "",
				       mi, a, d);
	}
}

static void dd(struct pc_strbuf *sb, const char *term, const char *val)
{
	if (!val || !*val)
		return;
	elem(sb, "<dt>", term, "</dt>");
	elem(sb, "<dd>", val, "</dd>");
}

static void finding_fields(struct pc_strbuf *sb, const json_t *f)
{
	const json_t *fix = json_object_get(f, "fix");

	pc_strbuf_addstr(sb, "<dl>");
	dd(sb, "device", jstr(f, "device"));
	dd(sb, "path", jstr(f, "path"));
	dd(sb, "configuration", jstr(f, "configuration"));
	dd(sb, "vCPUs", jstr(f, "config"));
	dd(sb, "condition", jstr(f, "condition"));
	dd(sb, "source value", jstr(f, "source_value"));
	dd(sb, "destination value", jstr(f, "destination_value"));
	dd(sb, "hop", jstr(f, "hop"));
	dd(sb, "why", jstr(f, "why"));
	dd(sb, "cause", jstr(f, "cause_detail"));
	dd(sb, "fix", jstr(fix, "text"));
	dd(sb, "compat line", jstr(fix, "line"));
	dd(sb, "in", jstr(fix, "file"));
	dd(sb, "override", jstr(fix, "override"));
	dd(sb, "known break", jstr(f, "known_reason"));
	dd(sb, "acknowledged by", jstr(f, "known_by"));
	pc_strbuf_addstr(sb, "</dl>");
}

/* "seen in:" a break's occurrences, for the page without script */
static void occurrences(struct pc_strbuf *sb, const json_t *b)
{
	const json_t *occ = json_object_get(b, "occurrences");

	if (!json_array_size(occ))
		return;
	pc_strbuf_addstr(sb, "<details><summary>seen in ");
	pc_strbuf_addf(sb, "%zu direction%s</summary><ul>", json_array_size(occ),
		       json_array_size(occ) == 1 ? "" : "s");
	for (size_t k = 0; k < json_array_size(occ); k++) {
		const json_t *o = json_array_get(occ, k);

		elem(sb, "<li>", jstr(o, "machine"), ": ");
		elem(sb, "", jstr(o, "source"), " " ARROW " ");
		elem(sb, "", jstr(o, "destination"), " (");
		elem(sb, "", jstr(o, "config"), ")");
		if (json_is_true(json_object_get(o, "known")))
			elem(sb, " <span class=\"kb\">known break</span> ",
			     jstr(o, "known_reason"), "");
		pc_strbuf_addstr(sb, "</li>");
	}
	pc_strbuf_addstr(sb, "</ul></details>");
}

/* one finding (or release-matrix break) 'k' of the island's list */
static void finding(struct pc_strbuf *sb, const json_t *doc, const json_t *f,
		    size_t k, bool breaks)
{
	const json_t *dir = json_object_get(f, "direction");
	const char *dev = jstr(f, "device");
	char *type = pc_xstrndup(dev, strcspn(dev, "/")); /* "virtio-net-pci/vdev" */
	struct pc_strbuf ids = PC_STRBUF_INIT, known = PC_STRBUF_INIT;
	bool kn = json_is_true(json_object_get(f, "known"));

	if (breaks)
		break_cells(&ids, &known, doc, f);
	else
		pair_cells(&ids, doc, f);
	pc_strbuf_addf(sb, "<li class=\"finding sev-%s%s\" id=\"f%zu\" data-index=\"%zu\" data-rule=\"",
		       jstr(f, "severity"), kn && !breaks ? " known" : "", k, k);
	esc(sb, jstr(f, "rule"));
	pc_strbuf_addstr(sb, "\" data-device=\"");
	esc(sb, type);
	elem(sb, "\" data-sev=\"", jstr(f, "severity"), "\" data-cells=\"");
	pc_strbuf_addf(sb, "%s\" data-known-cells=\"%s\">", ids.buf,
		       kn && !breaks ? ids.buf : known.buf);
	elem(sb, "<div class=\"fh\"><b class=\"rule\">", jstr(f, "rule"), "</b> ");
	elem(sb, "<span class=\"slug\">", jstr(f, "slug"), "</span> ");
	elem(sb, "<span class=\"sev\">", jstr(f, "severity"), "</span> ");
	if (kn && !breaks)
		pc_strbuf_addstr(sb, "<span class=\"kb\">known break</span> ");
	elem(sb, "<span class=\"dir\">", jstr(dir, "source"), " " ARROW " ");
	elem(sb, "", jstr(dir, "destination"), "</span> ");
	elem(sb, "<span class=\"machine\">", jstr(f, "machine"), "</span></div>");
	finding_fields(sb, f);
	if (breaks)
		occurrences(sb, f);
	pc_strbuf_addstr(sb, "</li>\n");
	pc_strbuf_release(&ids);
	pc_strbuf_release(&known);
	free(type);
}

static void findings(struct pc_strbuf *sb, const json_t *doc, bool breaks)
{
	const json_t *list = json_object_get(doc, breaks ? "breaks" : "findings");
	size_t n = json_array_size(list);

	pc_strbuf_addf(sb, "<h2 id=\"findings\">%s (%zu)</h2>\n", breaks
		       ? "Breaks, each once" : "Findings", n);
	if (!n)
		pc_strbuf_addstr(sb, "<p>None.</p>\n");
	pc_strbuf_addstr(sb, "<ol class=\"findings\" id=\"findings-list\">\n");
	for (size_t k = 0; k < n; k++)
		finding(sb, doc, json_array_get(list, k), k, breaks);
	pc_strbuf_addstr(sb, "</ol>\n");
}

/* the data island: the document, no '<', '>' or '&' left to end it */
static void island(struct pc_strbuf *sb, json_t *doc)
{
	/* the document as --format json prints it, its version first */
	json_t *v = pc_json_versioned(doc);
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(v);
	pc_strbuf_addstr(sb, "<script type=\"application/json\" id=\"plugcheck-data\">");
	for (const char *p = s ? s : "null"; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&')
			pc_strbuf_addf(sb, "\\u%04x", (unsigned)*p);
		else
			pc_strbuf_addch(sb, *p);
	}
	pc_strbuf_addstr(sb, "</script>\n");
	free(s);
}

static char *title_of(const json_t *doc, const char *mode)
{
	if (!strcmp(mode, "release-matrix"))
		return pc_xasprintf("release matrix: %zu recorded releases, %zu machine types",
				    json_array_size(json_object_get(doc, "releases")),
				    json_array_size(json_object_get(doc, "machines")));
	if (!strcmp(mode, "matrix"))
		return pc_xasprintf("machine type %s: migration matrix (row = source, column = destination)",
				    jstr(doc, "machine"));
	if (!strcmp(mode, "tree-vs-releases"))
		return pc_xasprintf("machine type %s: the tree against the recorded releases, both directions",
				    jstr(doc, "machine"));
	return pc_xasprintf("machine type %s: %s", jstr(doc, "machine"), mode);
}

static void header(struct pc_strbuf *sb, const json_t *doc, const char *title)
{
	json_int_t st = json_integer_value(json_object_get(doc, "exit_status"));
	enum verdict v = st == 0 ? V_OK : st == 1 ? V_FAIL : V_ERROR;
	const json_t *um = json_object_get(doc, "unmigratable");

	elem(sb, "<h1>plugcheck: ", title, "</h1>\n");
	pc_strbuf_addf(sb, "<p class=\"summary\">result: <span class=\"v-%s\" id=\"result\">%s</span>; %lld incompatible, %lld known breaks; exit status %lld</p>\n",
		       verdicts[v].cls,
		       st == 0 ? "compatible" : st == 1 ? "INCOMPATIBLE" : "error",
		       (long long)json_integer_value(json_object_get(doc, "incompatible")),
		       (long long)json_integer_value(json_object_get(doc, "known_breaks")),
		       (long long)st);
	for (size_t i = 0; i < json_array_size(um); i++)
		elem(sb, i ? ", " : "<p>left out (QEMU refuses to migrate a VM with it): ",
		     jstr_at(um, i),
		     i + 1 == json_array_size(um) ? "</p>\n" : "");
	pc_strbuf_addstr(sb, "<p class=\"legend\">");
	for (size_t i = 0; i < PC_ARRAY_SIZE(verdicts); i++)
		pc_strbuf_addf(sb, "<span class=\"v-%s\">%s</span>%s%s",
			       verdicts[i].cls, verdicts[i].word, verdicts[i].meaning,
			       i + 1 < PC_ARRAY_SIZE(verdicts) ? "; " : "</p>\n");
	pc_strbuf_addstr(sb, "<form class=\"js-only\" id=\"filters\"><label>rule <select id=\"f-rule\"><option value=\"\">all</option></select></label> "
			 "<label>device <select id=\"f-device\"><option value=\"\">all</option></select></label> "
			 "<span id=\"f-count\"></span> &mdash; click a cell to open its findings</form>\n");
}

static void body(struct pc_strbuf *sb, const json_t *doc, const char *mode)
{
	if (!strcmp(mode, "release-matrix")) {
		const json_t *ms = json_object_get(doc, "machines");

		pc_strbuf_addstr(sb, "<h2>Machine types (row = source, column = destination)</h2>\n");
		for (size_t i = 0; i < json_array_size(ms); i++)
			release_grid(sb, json_object_get(doc, "releases"),
				     json_array_get(ms, i), i);
	} else if (!strcmp(mode, "matrix")) {
		matrix_grid(sb, doc);
	} else if (!strcmp(mode, "tree-vs-releases")) {
		main_rows(sb, doc);
		config_rows(sb, doc);
	} else {
		pair_rows(sb, doc);
	}
	pc_strbuf_addstr(sb, "<section id=\"panel\" hidden></section>\n");
	findings(sb, doc, !strcmp(mode, "release-matrix"));
}

void pc_html_report(FILE *out, json_t *doc)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *mode = jstr(doc, "mode");
	char *title = title_of(doc, mode);

	pc_strbuf_addstr(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width\">\n");
	elem(&sb, "<title>plugcheck: ", title, "</title>\n");
	pc_strbuf_addf(&sb, "<script>%s</script>\n<style>\n%s</style></head>\n<body>\n",
		       catcher, style);
	header(&sb, doc, title);
	body(&sb, doc, mode);
	island(&sb, doc);
	pc_strbuf_addf(&sb, "<script>\n%s</script>\n</body></html>\n", script);
	fputs(sb.buf, out);
	pc_strbuf_release(&sb);
	free(title);
}
