#!/bin/bash
# redaction.sh - redaction is tested, not trusted. A store holds people,
# companies, conveyances and seizures at every TLP, with names (with and
# without diacritics) and identifiers in free text and in the alerts a
# careless rule raises (tests/partners/). For each profile (non-nominal,
# nominal) and each TLP ceiling (clear, green, amber, amber+strict), a
# partner receives every format, and check-redaction.py searches every
# byte of every file for what that partner may not see: no withheld
# record's id, STIX id, name, identifier or text, no relationship to it,
# and under non-nominal no person's or company's name, birth date or
# personal identifier and no nominal-only text. Each export must also be
# valid: STIX against the OASIS schemas, the MISP feed against the MISP
# object templates. The green vessel E-16 is tied to case C-1 only by a
# red link: no partner may learn of it through the case.
. "${TESTS_DIR:-$(dirname "$0")/..}/e2e/lib.sh"

FIX="$TESTS_DIR/partners"
run --json init
uuid=$(printf '%s' "$out" | sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p')
[ -n "$uuid" ]; ok $? "a store ($uuid)"
expect 0 "the test rule, enabled" rule add "$FIX/share-all.lua"
expect 0 "the records, which the rule sees" import "$FIX/records.jsonl"
run --json alert list
[ "$(printf '%s\n' "$out" | grep -c '"rule":"share-all"')" -eq 6 ]; ok $? "an alert per seizure"
alert_tlp() { printf '%s\n' "$out" | grep "\"id\":\"$1\"" | sed 's/.*"tlp":"\([^"]*\)".*/\1/'; }
[ "$(alert_tlp A-1)" = red ]; ok $? "an alert naming a red person is raised red"
[ "$(alert_tlp A-6)" = amber ]; ok $? "one naming only green records is raised amber"
# Alerts at every level, as analysts would mark them.
for a in A-1:green A-2:amber A-3:amber A-4:clear A-5:amber+strict A-6:green; do
	setup update "${a%%:*}" <<<"{\"tlp\":\"${a#*:}\"}"
done
setup export-json "$T/all.jsonl"
[ "$(wc -l < "$T/all.jsonl")" -gt 50 ]; ok $? "every record, the truth the check works from"
grep -q '"id":"E-16".*Kestrel Dawn' "$T/all.jsonl"; ok $? "E-16 is the vessel only a red link ties to C-1"

SCHEMAS="$TESTS_DIR/stix2-schemas/schemas"
for profile in non-nominal nominal; do
	for tlp in clear green amber amber+strict; do
		p=$(printf '%s-%s' "$profile" "$tlp" | tr '+' '-')
		d="$T/given/$p"
		mkdir -p "$d"
		"$CORDON" partner add "$p" --country KH --max-tlp "$tlp" --profile "$profile" \
		    --cases C-1,C-2,C-3 >/dev/null
		ok $? "$p: a partner (cases C-1, C-2 and the red C-3)"
		"$CORDON" export stix --partner "$p" -o "$d/bundle.json" >/dev/null
		ok $? "$p: STIX exported"
		python3 "$TESTS_DIR/tools/check-stix.py" "$SCHEMAS" "$d/bundle.json" > "$T/check" 2>&1
		ok $? "$p: STIX valid ($(tail -1 "$T/check"))"
		"$CORDON" export csv --partner "$p" -o "$d/rows.csv" >/dev/null
		ok $? "$p: CSV exported"
		"$CORDON" export misp --partner "$p" -o "$d/feed" >/dev/null
		ok $? "$p: MISP feed exported"
		python3 "$TESTS_DIR/tools/check-misp.py" "$d/feed" > "$T/check" 2>&1
		ok $? "$p: MISP feed valid ($(tail -1 "$T/check"))"
		"$CORDON" --json partner preview "$p" --limit 100 > "$d/preview.json"
		ok $? "$p: the preview the UI shows"
		# What must be there, so that a search that sees nothing fails.
		expect=(--expect-id S-4 --withhold E-16)
		case $tlp in clear) ;; *) expect+=(--expect-id S-1 --expect-id A-1) ;; esac
		if [ "$profile" = nominal ]; then
			case $tlp in clear) expect+=(--expect "Blue Ocean Shipping Pte Ltd") ;;
			*) expect+=(--expect "Nguyễn Văn Hùng" --expect "Hoang Long Import Export") ;; esac
		else
			# Open identifiers of goods and conveyances are shared.
			case $tlp in clear) expect+=(--expect 180-25342236) ;;
			*) expect+=(--expect 9074729 --expect CMAU4244930) ;; esac
		fi
		python3 "$TESTS_DIR/tools/check-redaction.py" --records "$T/all.jsonl" \
		    --store-uuid "$uuid" --profile "$profile" --ceiling "$tlp" "${expect[@]}" \
		    "$d" > "$T/check" 2>&1
		ok $? "$p: nothing withheld in any byte ($(tail -1 "$T/check"))"
		grep -v 'looked for' "$T/check" | head -5 | sed 's/^/#   /'
	done
done

# The guard is what removed the names from free text: say that it acted.
run --json partner preview nominal-green
case $out in *'"texts_dropped":0'*) ok 1 "text naming withheld records was removed" ;;
*) ok 0 "text naming withheld records was removed" ;; esac

done_testing
