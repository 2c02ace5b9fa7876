#!/bin/bash
# CLI tests of reading questions (issue 8): the legal day, exact shares of any
# length, Unicode input, Chinese service names, places out of scope in every
# command, suggestions for unknown names. Each numbered item of the issue is
# a test with its input.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh
MINI=tests/data/rulebooks/mini
K="$KAIFANG"

# item 7: without --date the day is China's. 2025-04-10T23:30:00Z is 07:30 on
# 2025-04-11 in Beijing, when the 2025 Work Plan opened IP-VPN in Xi'an at 50%
KAIFANG_NOW=2025-04-10T23:30:00Z run $K decide -s ip-vpn -r "Xi'an" --json
expect_out "item 7: date is Beijing's" '"date":"2025-04-11"'
expect_out "item 7: IP-VPN in Xi'an at 50%" '"max_foreign_share":50,'
KAIFANG_NOW=2025-04-10T23:30:00Z run $K decide -s ip-vpn -r "Xi'an"
expect_out "item 7: the text view shows the date" "on 2025-04-11"
KAIFANG_NOW=2025-04-10T15:59:59Z run $K decide -s ip-vpn -r "Xi'an" --json
expect_out "item 7: 23:59:59 in Beijing is still 2025-04-10" '"date":"2025-04-10"'
KAIFANG_NOW=2025-04-10T23:30:00Z run $K matrix --regions "Xi'an" --services ip-vpn --json
expect_out "item 7: matrix defaults to Beijing's day" '"date":"2025-04-11"'
KAIFANG_NOW=yesterday run $K decide -s ip-vpn -r "Xi'an"
expect_rc "KAIFANG_NOW not an instant" 2
expect_err "KAIFANG_NOW not an instant" "KAIFANG_NOW: instant 'yesterday'"

# item 8: a share compared exactly whatever its length
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 50.000000000000000000 --json
expect_rc "item 8: trailing zeros" 0
expect_out "item 8: 50.000000000000000000 is 50" '"outcome":"permitted"'
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 50.0000000001 --json
expect_out "item 8: 50.0000000001 exceeds <= 50" '"outcome":"exceeds_cap"'
expect_out "item 8: the answer says above" '"foreign_share_above":true'
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 50.0000000001
expect_out "item 8: text says just above" "foreign share just above 50%"
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 49.99999999999999999999 --json
expect_out "item 8: just below 50 is permitted" '"outcome":"permitted"'
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 100.0000000001
expect_rc "item 8: above 100 by less than a unit" 2
expect_err "item 8: above 100 by less than a unit" "is above 100"
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f 50.$(printf '0%.0s' $(seq 70))
expect_rc "item 8: over 64 characters" 2
expect_err "item 8: over 64 characters" "--foreign-share: share"
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -f 5e1
expect_err "item 8: not a number is refused" "is not a decimal number"

# item 11: full-width digits and signs, an ideographic space, NFD names
run $K decide -s idc -r "６１０１００" -d 2025-06-01 --json
expect_out "item 11: full-width code" '"region":"610100"'
run $K decide -R $MINI -s B21 -r 310000 -d "２０２４－０１－０１" -o -f "５０％" --json
expect_out "item 11: full-width date and share" '"date":"2024-01-01"'
expect_out "item 11: full-width share is 50" '"outcome":"permitted"'
run $K decide -R $MINI -s B21 -r 310000 -d 2024-01-01 -o -f "　５０．５　" --json
expect_out "item 11: ideographic spaces around a share" '"outcome":"exceeds_cap"'
run $K decide -s idc -r "$(printf 'U\xcc\x88ru\xcc\x88mqi')" -d 2025-06-01 --json
expect_out "item 11: decomposed Ürümqi" '"region":"650100"'
run $K decide -s idc -r "ÜRÜMQI" -d 2025-06-01 --json
expect_out "item 11: case folded" '"region":"650100"'

# item 12: services by their Chinese names
run $K decide -s 互联网数据中心业务 -r 北京 -d 2025-06-01 --json
expect_out "item 12: 互联网数据中心业务" '"service":"B11"'
run $K decide -s 国内互联网虚拟专用网业务 -r 北京 -d 2025-06-01 --json
expect_out "item 12: 国内互联网虚拟专用网业务" '"service":"B13"'
run $K decide -s 虚拟专用网 -r 北京 -d 2025-06-01 --json
expect_out "item 12: the page's example 虚拟专用网 is an alias of IP-VPN" '"service":"B13"'
run $K decide -s 虚拟专用 -r 北京 -d 2025-06-01
expect_err "item 12: a part of a name suggests the service" "nearest known: B13 (ip-vpn)"

# item 2: every door refuses a place out of scope as decide does
run $K decide -s idc -r "Hong Kong" -d 2025-06-01 -f 100
expect_rc "item 2: decide" 2
expect_err "item 2: decide" "outside the rulebook's scope"
run $K matrix -d 2025-06-01 --regions Beijing,"Hong Kong" --services idc
expect_rc "item 2: matrix, second place" 2
expect_err "item 2: matrix" "outside the rulebook's scope"
run $K matrix -d 2025-06-01 --regions Beijing --services ,
expect_rc "matrix --services , is an error" 2

# item 16: suggestions for unknown names, also long ones
run $K decide -R $MINI -s ip-vpn -r Shanghia -d 2024-01-01
expect_err "item 16: suggestion" "nearest known: 310000 (Shanghai)"
run $K decide -R $MINI -s ip-vpn -r "$(printf 'x%.0s' $(seq 5000))" -d 2024-01-01
expect_rc "item 16: a 5000-character name" 2
run $K decide -R $MINI -s ip-vpn -r "$(printf '\xff\xfe')" -d 2024-01-01
expect_err "invalid UTF-8 is named" "is not valid UTF-8"
# lists split at several full-width separators (a 3-byte "，" or "、" shortens
# the text: the names after the second one were read from the wrong offset)
run $K matrix -d 2025-06-01 --regions "上海，杭州，深圳" --services "idc，app-store、ip-vpn" --json
expect_rc "item 11: three places and three services split at ， and 、" 0
expect_out "item 11: the third place" '"region":"440300"'
expect_out "item 11: the third service" '"service":"B13"'
run $K matrix -d 2025-06-01 --regions "Hangzhou，Shenzhen，Ningbo" --services idc
expect_out "item 11: Ningbo after two full-width commas" 'Ningbo 330200'
# the documented 1024 places fit in one list (a 4 KiB list cap once made them
# unreachable), and 1025 are refused naming the limit
run $K matrix -d 2025-06-01 --services idc --regions "$(python3 -c 'print(",".join(["Hangzhou"]*1024))')"
expect_rc "1024 places in one matrix" 0
run $K matrix -d 2025-06-01 --services idc --regions "$(python3 -c 'print(",".join(["Hangzhou"]*1025))')"
expect_rc "1025 places are refused" 2
expect_err "1025 places: the limit named" "at most 1024 are allowed"
# KAIFANG_NOW: an impossible offset, or an instant whose day in China is out of
# range, is refused (break test: +99:99 was read as three days earlier)
KAIFANG_NOW=2025-04-10T23:30:00+99:99 run $K decide -s ip-vpn -r "Xi'an"
expect_rc "KAIFANG_NOW with offset +99:99" 2
KAIFANG_NOW=2199-12-31T20:00:00Z run $K decide -s ip-vpn -r "Xi'an"
expect_rc "KAIFANG_NOW on 2200-01-01 in China" 2
expect_err "KAIFANG_NOW out of range says why" "outside the years 1900-2199"

finish
