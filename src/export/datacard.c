/* datacard.c - the dataset card (see datacard.h). */
#include "src/export/datacard.h"

#include "src/export/columns.h"

/* A YAML single-quoted scalar: quotes doubled, control characters as
 * spaces (a scale name is one line). */
static void yaml_quoted(StrBuf *b, const char *s)
{
	strbuf_addc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			strbuf_addc(b, '\'');
		strbuf_addc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	strbuf_addc(b, '\'');
}

static const char *dtype(ColumnKind kind)
{
	switch (kind) {
	case COLUMN_INT: return "int64";
	case COLUMN_FLOAT: return "float64";
	case COLUMN_TEXT:
	case COLUMN_JSON:
	case COLUMN_LABEL: break;
	}
	return "string";
}

static void features(StrBuf *b, const char *const *names, int n_labels)
{
	size_t n;
	const Column *cols = columns_all(&n);
	strbuf_adds(b, "  features:\n  - name: image\n    dtype: image\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(b, "  - name: %s\n", cols[i].name);
		if (cols[i].kind != COLUMN_LABEL) {
			strbuf_addf(b, "    dtype: %s\n", dtype(cols[i].kind));
			continue;
		}
		strbuf_adds(b, "    dtype:\n      class_label:\n        names:\n");
		for (int j = 0; j < n_labels; j++) {
			strbuf_addf(b, "          '%d': ", j);
			yaml_quoted(b, names[j]);
			strbuf_addc(b, '\n');
		}
	}
}

void datacard_build(StrBuf *b, const char *const *parts, const long long *rows, int n_parts,
		    const char *const *names, int n_labels, const char *rule_json,
		    const char *content_hash)
{
	strbuf_adds(b, "---\nconfigs:\n- config_name: default\n  data_files:\n");
	for (int i = 0; i < n_parts; i++)
		if (rows[i])
			strbuf_addf(b, "  - split: %s\n    path: %s/*\n", parts[i], parts[i]);
	strbuf_adds(b, "dataset_info:\n");
	features(b, names, n_labels);
	strbuf_adds(b, "  splits:\n");
	for (int i = 0; i < n_parts; i++)
		if (rows[i])
			strbuf_addf(b, "  - name: %s\n    num_examples: %lld\n", parts[i], rows[i]);
	strbuf_adds(b, "---\n\n# Gold set\n\n"
		       "Images labelled by an LLM and settled by people with gavel. Each split\n"
		       "folder holds the images (named by their SHA-256) and a metadata.jsonl\n"
		       "with one row per image: `label` is the class index of the settled label\n"
		       "(-1 when none), and the rest of the row is its provenance: every human\n"
		       "vote (`votes`, JSON), the adjudication, the LLM's label, score and\n"
		       "rationale, the prompt version and model. A missing number is -1 and\n"
		       "missing text is empty, so every split has the same column types.\n\n");
	strbuf_adds(b, "Labels:\n\n");
	for (int j = 0; j < n_labels; j++) {
		strbuf_addf(b, "- %d: ", j);
		yaml_quoted(b, names[j]);
		strbuf_addc(b, '\n');
	}
	strbuf_addf(b,
		    "\nSettled under `%s`.\nDatabase content SHA-256: `%s`.\n"
		    "`manifest.json` records the command, the filter, the counts and the\n"
		    "agreement figures.\n",
		    rule_json, content_hash);
}
