package robocmd

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// codePages are the code pages a robocopy /LOG may be written in: the OEM
// code page of the console (robocopy's /LOG writes it) for every Windows
// locale, in the order preferred when two explain the bytes equally well.
// 874 (Thai) and 1258 (Vietnamese) are those locales' OEM code pages too.
// The others are accepted by --codepage but never guessed: 858 differs
// from 850 only in one byte (€ for ı), 860, 863 and 865 only in letters that
// read as well either way, and the ANSI code pages 1250-1257 are not what
// /LOG writes.
var codePages = []struct {
	id    int
	enc   encoding.Encoding
	guess bool
}{
	{850, charmap.CodePage850, true},     // Western Europe, English outside the US
	{437, charmap.CodePage437, true},     // English (US)
	{866, charmap.CodePage866, true},     // Cyrillic: Russian, Ukrainian, Bulgarian ...
	{852, charmap.CodePage852, true},     // Central Europe
	{936, simplifiedchinese.GBK, true},   // Chinese (Simplified)
	{932, japanese.ShiftJIS, true},       // Japanese
	{949, korean.EUCKR, true},            // Korean (x/text's EUC-KR is CP949, UHC)
	{950, traditionalchinese.Big5, true}, // Chinese (Traditional)
	{857, cp857, true},                   // Turkish
	{737, cp737, true},                   // Greek
	{775, cp775, true},                   // Baltic
	{862, charmap.CodePage862, true},     // Hebrew
	{720, cp720, true},                   // Arabic
	{874, charmap.Windows874, true},      // Thai
	{1258, charmap.Windows1258, true},    // Vietnamese
	{855, charmap.CodePage855, true},     // Cyrillic: Serbian, Macedonian
	{869, cp869, true},                   // Greek (modern)
	{858, charmap.CodePage858, false},    // 850 with the euro sign
	{860, charmap.CodePage860, false},    // Portuguese
	{863, charmap.CodePage863, false},    // French (Canada)
	{865, charmap.CodePage865, false},    // Nordic
	{1250, charmap.Windows1250, false},   // ANSI Central Europe
	{1251, charmap.Windows1251, false},   // ANSI Cyrillic
	{1252, charmap.Windows1252, false},   // ANSI Western Europe
	{1253, charmap.Windows1253, false},   // ANSI Greek
	{1254, charmap.Windows1254, false},   // ANSI Turkish
	{1255, charmap.Windows1255, false},   // ANSI Hebrew
	{1256, charmap.Windows1256, false},   // ANSI Arabic
	{1257, charmap.Windows1257, false},   // ANSI Baltic
}

// CodePages lists the code page numbers --codepage accepts.
func CodePages() []int {
	ids := make([]int, len(codePages))
	for i, c := range codePages {
		ids[i] = c.id
	}
	sort.Ints(ids)
	return ids
}

func codePage(id int) (encoding.Encoding, error) {
	for _, c := range codePages {
		if c.id == id {
			return c.enc, nil
		}
	}
	return nil, fmt.Errorf("code page %d is not supported; use one of %v", id, CodePages())
}

// The OEM code pages golang.org/x/text lacks. Bytes below 0x80 are ASCII;
// each string holds the 128 characters of bytes 0x80-0xFF, U+FFFD where the
// byte is undefined. 737, 775, 857 and 869 are Unicode's MICSFT/PC mapping
// tables (Python's codecs, checked against glibc iconv in
// testdata/oem_upper_iconv.txt); 720 is Python's cp720, made from Windows'
// own table (glibc has no CP720).
var (
	cp720 = newOEMTable("IBM720",
		"\ufffd\ufffdéâ\ufffdà\ufffdçêëèïî\ufffd\ufffd\ufffd\ufffd\u0651\u0652ô¤ـûùءآأؤ£إئا"+
			"بةتثجحخدذرزسشص«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"+
			"└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"+
			"ضطظعغفµقكلمنهوىي≡\u064b\u064c\u064d\u064e\u064f\u0650≈°∙·√ⁿ²■\u00a0")
	cp737 = newOEMTable("IBM737",
		"ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθ"+
			"ικλμνξοπρσςτυφχψ░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"+
			"└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀"+
			"ωάέήϊίόύϋώΆΈΉΊΌΎΏ±≥≤ΪΫ÷≈°∙·√ⁿ²■\u00a0")
	cp775 = newOEMTable("IBM775",
		"ĆüéāäģåćłēŖŗīŹÄÅÉæÆōöĢ¢ŚśÖÜø£Ø×¤"+
			"ĀĪóŻżź”¦©®¬½¼Ł«»░▒▓│┤ĄČĘĖ╣║╗╝ĮŠ┐"+
			"└┴┬├─┼ŲŪ╚╔╩╦╠═╬Žąčęėįšųūž┘┌█▄▌▐▀"+
			"ÓßŌŃõÕµńĶķĻļņĒŅ’\u00ad±“¾¶§÷„°∙·¹³²■\u00a0")
	cp857 = newOEMTable("IBM857",
		"ÇüéâäàåçêëèïîıÄÅÉæÆôöòûùİÖÜø£ØŞş"+
			"áíóúñÑĞğ¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐"+
			"└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ºªÊËÈ\ufffdÍÎÏ┘┌█▄¦Ì▀"+
			"ÓßÔÒõÕµ\ufffd×ÚÛÙìÿ¯´\u00ad±\ufffd¾¶§÷¸°¨·¹³²■\u00a0")
	cp869 = newOEMTable("IBM869",
		"\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdΆ\ufffd·¬¦‘’Έ―ΉΊΪΌ\ufffd\ufffdΎΫ©Ώ²³ά£έήί"+
			"ϊΐόύΑΒΓΔΕΖΗ½ΘΙ«»░▒▓│┤ΚΛΜΝ╣║╗╝ΞΟ┐"+
			"└┴┬├─┼ΠΡ╚╔╩╦╠═╬ΣΤΥΦΧΨΩαβγ┘┌█▄δε▀"+
			"ζηθικλμνξοπρσςτ΄\u00ad±υφχ§ψ΅°¨ωϋΰώ■\u00a0")
)

// oemTable is a single-byte code page: ASCII below 0x80, a table above.
type oemTable struct {
	name  string
	upper [128]rune
	back  map[rune]byte
}

func newOEMTable(name, upper string) *oemTable {
	t := &oemTable{name: name, back: map[rune]byte{}}
	i := 0
	for _, r := range upper {
		t.upper[i] = r
		if r != utf8.RuneError {
			t.back[r] = byte(0x80 + i)
		}
		i++
	}
	if i != 128 {
		panic(fmt.Sprintf("robocmd: code page %s has %d upper characters, not 128", name, i))
	}
	return t
}

func (t *oemTable) String() string { return t.name }

// NewDecoder maps each byte to its character; an undefined byte reads as U+FFFD.
func (t *oemTable) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: oemDecoder{t: t}}
}

// NewEncoder maps each character to its byte; a character the code page
// lacks is an error.
func (t *oemTable) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: oemEncoder{t: t}}
}

type oemDecoder struct {
	transform.NopResetter
	t *oemTable
}

func (d oemDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c < 0x80 {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		r := d.t.upper[c-0x80]
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

var errNotInCodePage = errors.New("robocmd: character not in the code page")

type oemEncoder struct {
	transform.NopResetter
	t *oemTable
}

func (e oemEncoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		c := src[nSrc]
		if c < 0x80 {
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		if !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		b, ok := e.t.back[r]
		if !ok {
			return nDst, nSrc, errNotInCodePage
		}
		dst[nDst] = b
		nDst++
		nSrc += size
	}
	return nDst, nSrc, nil
}

// guessCodePage picks the code page under which the log's non-UTF-8 lines
// (from head, its first bytes, or else extra) read most like text, with
// two kinds of evidence:
//
//   - the dates and the error word robocopy wrote (the Started and Ended
//     lines, "ERROR" in error lines) decode, in the right code page, to the
//     day and month names or the word of a language that code page serves
//     ("Montag, 3. Juni" is German: 850; "2024년 6월 3일 월요일" is Korean:
//     949; "3 Haziran 2024 Pazartesi" is Turkish: 857, even in ASCII);
//   - the text's statistics: letters of one script per word, natural
//     letter case, few symbols, box-drawing characters or undecodable
//     bytes, and for the CJK code pages Hangul, Kana or Han that are common
//     in that code page (a Korean text read as GBK or Big5 gives Han
//     characters, but no Chinese text reads as pure common Hangul in 949).
func guessCodePage(head, extra []byte) int {
	lines := nonUTF8Lines(head, extra)
	hints := hintLines(head)
	best, bestScore := 850, -1e18
	for _, c := range codePages {
		if !c.guess {
			continue
		}
		dec := c.enc.NewDecoder()
		common := commonCJK(c.id, c.enc)
		var score float64
		for _, l := range lines {
			out, err := dec.Bytes(l)
			if err != nil {
				score -= 1000
				continue
			}
			score += textScore(out, common)
		}
		score += hintScore(c.id, dec, hints)
		if score > bestScore {
			best, bestScore = c.id, score
		}
	}
	return best
}

// nonUTF8Lines returns the lines of head (up to 200) that are not UTF-8,
// or extra when there is none.
func nonUTF8Lines(head, extra []byte) [][]byte {
	var out [][]byte
	for _, l := range headLines(head) {
		if !utf8.Valid(l) && len(out) < 200 {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, extra)
	}
	return out
}

// headLines splits head into lines, without a last line cut by the end of
// the peeked bytes.
func headLines(head []byte) [][]byte {
	if len(head) >= peekBytes {
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
	}
	return bytes.Split(head, []byte{'\n'})
}

// hintLines returns the lines of head that name dates in words (a year
// and something more, not an error line or a file line; at most 8) and the
// error words of error lines (at most 4 distinct).
func hintLines(head []byte) [][]byte {
	var dates, words [][]byte
	for _, l := range headLines(head) {
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 || l[0] == '\t' || len(l) > 300 {
			continue
		}
		if e, ok := parseErrorLine(string(l)); ok {
			w := []byte(e.Message) // the error word
			if len(words) < 4 && !containsBytes(words, w) {
				words = append(words, w)
			}
			continue
		}
		if len(dates) < 8 && hasYear(l) {
			dates = append(dates, l)
		}
	}
	return append(dates, words...)
}

func containsBytes(list [][]byte, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}

// hasYear reports whether l holds a year, 1980-2599 (Thai dates count
// Buddhist years), as four digits on their own.
func hasYear(l []byte) bool {
	for i := 0; i+4 <= len(l); i++ {
		if (i > 0 && isDigit(l[i-1])) || !isDigit(l[i]) || !isDigit(l[i+1]) || !isDigit(l[i+2]) || !isDigit(l[i+3]) || (i+4 < len(l) && isDigit(l[i+4])) {
			continue
		}
		y := int(l[i]-'0')*1000 + int(l[i+1]-'0')*100 + int(l[i+2]-'0')*10 + int(l[i+3]-'0')
		if y >= 1980 && y < 2600 {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hintWordBonus is what one day or month name, or error word, of a
// language that cp serves adds to cp's score: about as much as twenty
// letters read well.
const hintWordBonus = 25

// hintScore rates cp by the words its decoding of the hint lines makes:
// each distinct day name, month name, date particle or error word of a
// language that cp serves.
func hintScore(cp int, dec *encoding.Decoder, hints [][]byte) float64 {
	matched := map[string]bool{}
	for _, h := range hints {
		out, err := dec.Bytes(h)
		if err != nil {
			continue
		}
		text := strings.ToLower(string(out))
		for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
			if cps, ok := hintWords.tokens[tok]; ok && containsInt(cps, cp) {
				matched[tok] = true
			}
		}
		for _, w := range hintWords.substrings {
			if containsInt(w.cps, cp) && strings.Contains(text, w.s) {
				matched[w.s] = true
			}
		}
	}
	return hintWordBonus * float64(len(matched))
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// hintLanguages are the day and month names (as Windows writes them in
// long dates, in lower case), date particles and robocopy's word for ERROR
// of the languages Windows is localized in, with the OEM code pages their
// consoles use. English is left out: an English date or ERROR is written
// by servers of every code page. Words in scripts written without spaces
// (CJK, Thai) are matched anywhere in a line, the others as whole words.
var hintLanguages = []struct {
	cps   []int
	words string
}{
	{[]int{850}, "januar februar märz april mai juni juli august september oktober november dezember montag dienstag mittwoch donnerstag freitag samstag sonntag fehler"},
	{[]int{850}, "janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche erreur"},
	{[]int{850}, "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo"},
	{[]int{850}, "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica errore"},
	{[]int{850, 860}, "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro segunda terça quarta quinta sexta feira sábado domingo erro"},
	{[]int{850}, "januari februari maart april mei juni juli augustus september oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag fout"},
	{[]int{850}, "januari februari mars april maj juni juli augusti september oktober november december måndag tisdag onsdag torsdag fredag lördag söndag fel"},
	{[]int{850, 865}, "januar februar marts mars april maj mai juni juli august september oktober november december mandag tirsdag onsdag torsdag fredag lørdag søndag fejl feil"},
	{[]int{850}, "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai virhe"},
	{[]int{852}, "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia poniedziałek wtorek środa czwartek piątek sobota niedziela błąd"},
	{[]int{852}, "ledna února března dubna května června července srpna září října listopadu prosince pondělí úterý středa čtvrtek pátek sobota neděle chyba"},
	{[]int{852}, "januára februára marca apríla mája júna júla augusta septembra októbra novembra decembra pondelok utorok streda štvrtok piatok sobota nedeľa chyba"},
	{[]int{852}, "január február március április május június július augusztus szeptember október november december hétfő kedd szerda csütörtök péntek szombat vasárnap hiba"},
	{[]int{852}, "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie luni marţi marți miercuri joi vineri sâmbătă duminică eroare"},
	{[]int{852}, "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca ponedjeljak utorak srijeda četvrtak petak subota nedjelja pogreška"},
	{[]int{852}, "januar februar marec april maj junij julij avgust september oktober november december ponedeljek torek sreda četrtek petek sobota nedelja napaka"},
	{[]int{866, 855}, "января февраля марта апреля мая июня июля августа сентября октября ноября декабря понедельник вторник среда четверг пятница суббота воскресенье ошибка"},
	{[]int{866, 855}, "лютого березня травня червня серпня вересня жовтня листопада грудня середа четвер субота неділя"},
	{[]int{866, 855}, "януари февруари март април май юни юли август септември октомври ноември декември понеделник вторник сряда четвъртък петък събота неделя грешка"},
	{[]int{855, 866}, "јануар фебруар март април мај јун јул август септембар октобар новембар децембар понедељак уторак среда четвртак петак субота недеља грешка"},
	{[]int{857}, "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık pazartesi salı çarşamba perşembe cuma cumartesi pazar hata"},
	{[]int{737, 869}, "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου νοεμβρίου δεκεμβρίου δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή σφάλμα"},
	{[]int{775}, "jaanuar veebruar märts aprill mai juuni juuli august september oktoober november detsember esmaspäev teisipäev kolmapäev neljapäev reede laupäev pühapäev viga"},
	{[]int{775}, "janvāris februāris marts aprīlis maijs jūnijs jūlijs augusts septembris oktobris novembris decembris pirmdiena otrdiena trešdiena ceturtdiena piektdiena sestdiena svētdiena kļūda"},
	{[]int{775}, "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio lapkričio gruodžio pirmadienis antradienis trečiadienis ketvirtadienis penktadienis šeštadienis sekmadienis klaida"},
	{[]int{862}, "ינואר פברואר מרץ אפריל מאי יוני יולי אוגוסט ספטמבר אוקטובר נובמבר דצמבר ראשון שני שלישי רביעי חמישי שישי שבת שגיאה"},
	{[]int{720}, "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد خطأ"},
	{[]int{874}, "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม จันทร์ อังคาร พุธ พฤหัสบดี ศุกร์ เสาร์ อาทิตย์"},
	{[]int{1258}, "tháng năm"},
	{[]int{932}, "月曜日 火曜日 水曜日 木曜日 金曜日 土曜日 日曜日 年 月 日 エラー"},
	{[]int{936, 950}, "星期一 星期二 星期三 星期四 星期五 星期六 星期日 星期天 年 月 日"},
	{[]int{936}, "错误"},
	{[]int{950}, "錯誤"},
	{[]int{949}, "월요일 화요일 수요일 목요일 금요일 토요일 일요일 년 월 일 오전 오후 오류"},
}

// hintWords indexes hintLanguages: whole words, and words matched anywhere.
var hintWords = func() (h struct {
	tokens     map[string][]int
	substrings []struct {
		s   string
		cps []int
	}
}) {
	h.tokens = map[string][]int{}
	subst := map[string][]int{}
	for _, l := range hintLanguages {
		for _, w := range strings.Fields(l.words) {
			r, _ := utf8.DecodeRuneInString(w)
			if isCJK(r) || unicode.Is(unicode.Thai, r) {
				subst[w] = appendNew(subst[w], l.cps...)
			} else {
				h.tokens[w] = appendNew(h.tokens[w], l.cps...)
			}
		}
	}
	for s, cps := range subst {
		h.substrings = append(h.substrings, struct {
			s   string
			cps []int
		}{s, cps})
	}
	sort.Slice(h.substrings, func(i, j int) bool { return h.substrings[i].s < h.substrings[j].s })
	return h
}()

func appendNew(list []int, vs ...int) []int {
	for _, v := range vs {
		if !containsInt(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// commonCJK returns, for a CJK code page, whether a Han, Kana or Hangul
// character is one of its common ones: GB2312 hanzi in GBK, KS X 1001
// syllables and hanja in CP949 (not the UHC extension, nor lone jamo), JIS
// X 0208 kana and level-1 kanji in Shift JIS, Big5 level-1 hanzi. Text
// read in the wrong CJK code page yields mostly uncommon characters. It
// returns nil for other code pages.
func commonCJK(id int, enc encoding.Encoding) func(rune) bool {
	if id != 932 && id != 936 && id != 949 && id != 950 {
		return nil
	}
	e := enc.NewEncoder()
	cache := map[rune]bool{}
	return func(r rune) bool {
		if c, ok := cache[r]; ok {
			return c
		}
		b, err := e.Bytes(utf8.AppendRune(nil, r))
		c := false
		if err == nil && len(b) == 2 {
			code := int(b[0])<<8 | int(b[1])
			switch id {
			case 936:
				c = b[0] >= 0xB0 && b[0] <= 0xF7 && b[1] >= 0xA1
			case 949:
				c = b[0] >= 0xB0 && b[0] <= 0xFD && b[0] != 0xC9 && b[1] >= 0xA1
			case 932:
				c = code < 0x9873
			case 950:
				c = code >= 0xA140 && code <= 0xC67E
			}
		}
		cache[r] = c
		return c
	}
}

// Scripts, for telling text from a wrong decoding: a word is written in
// one script, and so is most of a line.
type script uint8

const (
	scNone script = iota
	scLatin
	scGreek
	scCyrillic
	scHebrew
	scArabic
	scThai
	scHangul
	scHan // Han with Japanese kana: Japanese mixes them in one word
	scOther
	numScripts
)

// isCJK reports whether r is a Han, Kana or Hangul character (or the kana
// length mark and iteration marks that Unicode files under Common).
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r == 'ー' || r == '々' || r == '〆'
}

func scriptOf(r rune) script {
	switch {
	case r < 0x80:
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return scLatin
		}
		return scNone
	case unicode.Is(unicode.Hangul, r):
		return scHangul
	case isCJK(r):
		return scHan
	case unicode.Is(unicode.Latin, r):
		return scLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scCyrillic
	case unicode.Is(unicode.Greek, r):
		return scGreek
	case unicode.Is(unicode.Hebrew, r):
		return scHebrew
	case unicode.Is(unicode.Arabic, r):
		return scArabic
	case unicode.Is(unicode.Thai, r):
		return scThai
	}
	return scOther
}

// mixPenalty is the cost of two letters of different scripts side by side
// in one word: alphabets are not mixed inside a word, nor Hangul with Han.
// Latin next to CJK is normal ("PDF資料").
func mixPenalty(a, b script) float64 {
	if a == b || a == scNone || b == scNone {
		return 0
	}
	cjk := func(s script) bool { return s == scHan || s == scHangul }
	if (a == scLatin && cjk(b)) || (b == scLatin && cjk(a)) {
		return 0
	}
	return 4
}

// textScore rates how plausible decoded text is; higher is better. common,
// when not nil, tells the CJK characters common in the code page.
func textScore(b []byte, common func(rune) bool) float64 {
	var score float64
	var scripts [numScripts]int
	letters := 0
	prev := scNone // script of the letter just before, if any
	prevRune := rune(0)
	prevLower := false
	capInWord := false // the character before is a capital after a letter, as in "AĄo"
	loneCJK := false   // the character before is CJK right after an ASCII letter
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r < 0x80 {
			sc := scriptOf(r)
			lower := r >= 'a' && r <= 'z'
			if sc == scLatin && loneCJK {
				score -= 3 // one CJK character inside an ASCII word: "kullan考d"
			}
			if lower && capInWord {
				score -= 3
			}
			prev, prevRune, prevLower = sc, r, lower
			capInWord, loneCJK = false, false
			continue
		}
		cur := scNone
		nextCapInWord, nextLoneCJK := false, false
		switch {
		case r == utf8.RuneError || unicode.Is(unicode.Co, r):
			score -= 20
		case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana: rare in logs
			score -= 3
		case isCJK(r):
			cur = scriptOf(r)
			switch {
			case common != nil && !common(r):
				score += 0.6
			case cur == scHangul:
				// A bit more than Han: Korean read as GBK or Big5 gives
				// common Han, but Chinese read as CP949 never pure Hangul.
				score += 2.6
			default:
				score += 2.4 // one character from two bytes: as much per byte as a letter
			}
			score -= mixPenalty(prev, cur)
			nextLoneCJK = prevRune < 0x80 && prev == scLatin
			letters++
			scripts[cur]++
		case r == 'ª' || r == 'º':
			// Ordinal indicators follow a number ("1º", "Nº"); elsewhere
			// they are a Turkish ğ or Ğ read as 850.
			if prevRune >= '0' && prevRune <= '9' || prevRune == 'N' || prevRune == 'n' {
				score += 1.3
			} else {
				score -= 2
			}
		case r == 'ƒ':
			score -= 2 // the florin sign, not a letter in any language's text
		case unicode.IsLetter(r):
			cur = scriptOf(r)
			// Running text is mostly small letters; a capital comes first
			// in a word, or in a word of capitals.
			switch {
			case unicode.IsUpper(r):
				score += 1.1
				if prevLower {
					score -= 3
				}
				nextCapInWord = prev != scNone
			case unicode.IsLower(r):
				score += 1.25
				if capInWord {
					score -= 3
				}
			default:
				score += 1.2 // scripts without case
			}
			score -= mixPenalty(prev, cur)
			letters++
			scripts[cur]++
		case unicode.IsMark(r):
			if prev != scNone {
				score += 0.6 // a vowel sign or diacritic on a letter
				cur = prev
			} else {
				score -= 2
			}
		case r == 0xA0 || r == 0x202F || unicode.IsPunct(r):
			// grouping spaces and punctuation are neutral
		case r >= 0x2500 && r <= 0x259F, unicode.IsControl(r):
			score -= 5
		default:
			score -= 2
		}
		prev, prevRune, prevLower = cur, r, unicode.IsLower(r)
		capInWord, loneCJK = nextCapInWord, nextLoneCJK
	}
	// Text is written in one script: reward the dominant one.
	maxScript := 0
	for _, n := range scripts {
		maxScript = max(maxScript, n)
	}
	score -= float64(letters-maxScript) * 1.5
	return score
}
