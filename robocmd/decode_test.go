package robocmd

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// locale is robocopy's output in one language, as far as a test log needs
// it. The labels are this test's own translations; the parser reads the
// layout, never the words (except the file classes it names when known).
type locale struct {
	banner, started, source, dest, files, options string
	newFile, newer, newDir                        string // file classes
	columns, dirs, filesRow, bytesRow, times      string
	speed, ended                                  string
	errWord, errAction, errMsg, waiting, giveUp   string
	date, endDate                                 string // Started and Ended values
	src, dst                                      string
	names                                         [3]string // file names in src
	subdir                                        string
}

// log renders l in robocopy's layout: header, a directory with three files
// and a new subfolder, a file that failed until the retry limit, summary.
// With header false it is a /NJH log: no header, no dates.
func (l locale) log(header bool) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	if header {
		w("")
		w("-------------------------------------------------------------------------------")
		w("   ROBOCOPY     ::     %s", l.banner)
		w("-------------------------------------------------------------------------------")
		w("")
		w("  %s: %s", l.started, l.date)
		w("   %s : %s", l.source, l.src)
		w("     %s : %s", l.dest, l.dst)
		w("")
		w("    %s : *.*", l.files)
		w("\t    ")
		w("  %s : *.* /S /E /DCOPY:DA /COPY:DAT /MIR /NP /R:1 /W:5 ", l.options)
		w("")
		w("------------------------------------------------------------------------------")
		w("")
	}
	w("\t                   4\t%s", l.src)
	w("\t    %s\t\t    1234\t%s", l.newFile, l.names[0])
	w("\t    %s\t\t   2.1 m\t%s", l.newer, l.names[1])
	w("\t    %s\t\t    5678\t%s", l.newFile, l.names[2])
	w("2024/06/03 10:15:02 %s 32 (0x00000020) %s %s%s", l.errWord, l.errAction, l.src, l.names[2])
	w("%s", l.errMsg)
	w("%s", l.waiting)
	w("2024/06/03 10:15:07 %s 32 (0x00000020) %s %s%s", l.errWord, l.errAction, l.src, l.names[2])
	w("%s", l.errMsg)
	w("")
	w("%s", l.giveUp)
	w("")
	w("\t  %s          0\t%s%s\\", l.newDir, l.src, l.subdir)
	w("")
	w("------------------------------------------------------------------------------")
	w("")
	w("%s", l.columns)
	w("%12s:         2         1         1         0         0         0", l.dirs)
	w("%12s:         3         2         0         0         1         0", l.filesRow)
	w("%12s:   2.108 m   2.102 m         0         0     5.5 k         0", l.bytesRow)
	w("%12s:   0:00:07   0:00:01                       0:00:05   0:00:00", l.times)
	w("")
	w("   %s:             2204062 %s", l.speed, "B/s")
	if header {
		w("   %s: %s", l.ended, l.endDate)
	}
	w("")
	return b.String()
}

var (
	korean949 = locale{
		banner: "Windows용 강력한 파일 복사", started: "시작", source: "원본", dest: "대상", files: "파일", options: "옵션",
		newFile: "새 파일", newer: "최신", newDir: "새 디렉터리",
		columns: "               합계    복사됨    건너뜀    불일치      실패      추가",
		dirs:    "디렉터리", filesRow: "파일", bytesRow: "바이트", times: "시간", speed: "속도", ended: "종료",
		errWord: "오류", errAction: "파일 복사 중", errMsg: "다른 프로세스가 파일을 사용 중이기 때문에 프로세스가 액세스할 수 없습니다.",
		waiting: "5초 동안 기다리는 중... 다시 시도하는 중...", giveUp: "오류: 다시 시도 한도를 초과했습니다.",
		date: "2024년 6월 3일 월요일 오전 10:15:00", endDate: "2024년 6월 3일 월요일 오전 10:15:09",
		src: `D:\자료\보고서\`, dst: `\\nas01\백업\보고서\`,
		names: [3]string{"회의록.hwp", "예산 계획서.xlsx", "사진 모음.zip"}, subdir: "새 폴더",
	}
	japanese932 = locale{
		banner: "Windows の堅牢性の高いファイル コピー", started: "開始", source: "コピー元", dest: "コピー先", files: "ファイル", options: "オプション",
		newFile: "新しいファイル", newer: "より新しい", newDir: "新しいディレクトリ",
		columns: "                 合計  コピー済み    スキップ      不一致        失敗      Extras",
		dirs:    "ディレクトリ", filesRow: "ファイル", bytesRow: "バイト", times: "時刻", speed: "速度", ended: "終了",
		errWord: "エラー", errAction: "ファイルをコピーしています", errMsg: "プロセスはファイルにアクセスできません。別のプロセスが使用中です。",
		waiting: "5 秒間待機しています... 再試行しています...", giveUp: "エラー: 再試行の制限を超えました。",
		date: "2024年6月3日 月曜日 10:15:00", endDate: "2024年6月3日 月曜日 10:15:09",
		// 表 and ソ end in byte 0x5C ('\') in Shift JIS.
		src: `D:\資料\ソフト表\`, dst: `\\nas01\バックアップ\ソフト表\`,
		names: [3]string{"議事録.docx", "予算計画書.xlsx", "写真.zip"}, subdir: "新しいフォルダー",
	}
	chineseTW950 = locale{
		banner: "Windows 的強固檔案複製", started: "開始", source: "來源", dest: "目的地", files: "檔案", options: "選項",
		newFile: "新檔案", newer: "較新", newDir: "新目錄",
		columns: "                 總計      已複製      已略過      不相符        失敗        額外",
		dirs:    "目錄", filesRow: "檔案", bytesRow: "位元組", times: "時間", speed: "速度", ended: "結束",
		errWord: "錯誤", errAction: "正在複製檔案", errMsg: "程序無法存取檔案，因為檔案正由另一個程序使用。",
		waiting: "正在等待 5 秒... 正在重試...", giveUp: "錯誤: 超過重試限制。",
		date: "2024年6月3日 星期一 上午 10:15:00", endDate: "2024年6月3日 星期一 上午 10:15:09",
		// 功 and 許 end in byte 0x5C ('\') in Big5.
		src: `D:\資料\功能報告\`, dst: `\\nas01\備份\功能報告\`,
		names: [3]string{"會議記錄.docx", "許可清單.xlsx", "照片.zip"}, subdir: "新資料夾",
	}
	chineseCN936 = locale{
		banner: "Windows 的可靠文件复制", started: "开始时间", source: "源", dest: "目标", files: "文件", options: "选项",
		newFile: "新文件", newer: "较新", newDir: "新目录",
		columns: "                  总数        复制        跳过       不匹配        失败        其他",
		dirs:    "目录", filesRow: "文件", bytesRow: "字节", times: "时间", speed: "速度", ended: "结束时间",
		errWord: "错误", errAction: "复制文件", errMsg: "另一个程序正在使用此文件，进程无法访问。",
		waiting: "等待 5 秒... 正在重试...", giveUp: "错误: 超过重试次数限制。",
		date: "2024年6月3日 星期一 10:15:00", endDate: "2024年6月3日 星期一 10:15:09",
		src: `D:\资料\项目报告\`, dst: `\\nas01\备份\项目报告\`,
		names: [3]string{"会议记录.docx", "预算计划.xlsx", "照片.zip"}, subdir: "新建文件夹",
	}
	turkish857 = locale{
		banner: "Windows için Güçlü Dosya Kopyalama", started: "Başlangıç", source: "Kaynak", dest: "Hedef", files: "Dosyalar", options: "Seçenekler",
		newFile: "Yeni Dosya", newer: "Daha yeni", newDir: "Yeni Dizin",
		columns: "               Toplam Kopyalandı   Atlandı Uyuşmazlık BAŞARISIZ Ekstralar",
		dirs:    "Dizinler", filesRow: "Dosyalar", bytesRow: "Bayt", times: "Süreler", speed: "Hız", ended: "Bitiş",
		errWord: "HATA", errAction: "Dosya Kopyalanıyor", errMsg: "Dosya başka bir işlem tarafından kullanıldığından işlem bu dosyaya erişemiyor.",
		waiting: "5 saniye bekleniyor... Yeniden deneniyor...", giveUp: "HATA: YENİDEN DENEME SINIRI AŞILDI.",
		date: "3 Haziran 2024 Pazartesi 10:15:00", endDate: "3 Haziran 2024 Pazartesi 10:15:09",
		src: `D:\Müşteri\Çalışma\`, dst: `\\nas01\Yedek\Çalışma\`,
		names: [3]string{"Ağustos Raporu.xlsx", "Şirket Bütçesi.xlsx", "Fotoğraflar.zip"}, subdir: "Yeni Klasör",
	}
)

func encodeWith(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

// checkLocalized checks that a log made by locale.log decoded right:
// dates, paths, class words, error action and message, counts.
func checkLocalized(t *testing.T, lc locale, l *Log, header bool) {
	t.Helper()
	require.Len(t, l.Jobs, 1)
	j := l.Jobs[0]
	if header {
		assert.Equal(t, lc.date, j.Started)
		assert.Equal(t, lc.endDate, j.Ended)
		assert.Equal(t, lc.src, j.Source)
		assert.Equal(t, lc.dst, j.Dest)
		assert.Contains(t, j.Switches, "/MIR")
	}
	assert.True(t, j.Summary)
	assert.Equal(t, Counts{2, 1, 1, 0, 0, 0}, j.Dirs)
	assert.Equal(t, Counts{3, 2, 0, 0, 1, 0}, j.Files)
	assert.Equal(t, u(2.102, m), j.Bytes.Copied)
	assert.Equal(t, int64(2204062), j.SpeedBytesPerSec)
	require.Len(t, j.Errors, 1)
	e := j.Errors[0]
	assert.Equal(t, 32, e.Code)
	assert.Equal(t, lc.errAction, e.Action)
	assert.Equal(t, lc.src+lc.names[2], e.Path)
	assert.Equal(t, lc.errMsg, e.Message)
	assert.Equal(t, 2, e.Attempts)
	assert.True(t, e.RetryLimitExceeded, "the give-up line starts with the error word and a colon")
	assert.Equal(t, 1, j.RetryWaits)
	new := canonicalClass(lc.newFile, false)
	assert.Equal(t, int64(2), j.FileClasses[new], "class %q", lc.newFile)
	assert.Equal(t, int64(1), j.FileClasses[canonicalClass(lc.newer, false)])
	assert.Equal(t, int64(1), j.FileClasses[canonicalClass(lc.newDir, true)])
	assert.Equal(t, Partial, j.Outcome)
}

// Korean, Japanese and Chinese logs are each read in their own code page
// (CP949 and CP932 used to be read as GBK), and the Turkish one in 857.
func TestGuessLocalizedLogs(t *testing.T) {
	tests := []struct {
		name string
		lc   locale
		enc  encoding.Encoding
		cp   string
	}{
		{"ko", korean949, korean.EUCKR, "cp949"},
		{"ja", japanese932, japanese.ShiftJIS, "cp932"},
		{"zh-TW", chineseTW950, traditionalchinese.Big5, "cp950"},
		{"zh-CN", chineseCN936, simplifiedchinese.GBK, "cp936"},
		{"tr", turkish857, cp857, "cp857"},
	}
	for _, tt := range tests {
		for _, header := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/header=%v", tt.name, header), func(t *testing.T) {
				data := encodeWith(t, tt.enc, tt.lc.log(header))
				l, err := ParseLog(bytes.NewReader(data), LogOptions{})
				require.NoError(t, err)
				assert.Equal(t, tt.cp, l.Encoding)
				checkLocalized(t, tt.lc, l, header)
			})
		}
	}
}

// The Turkish log encoded by glibc iconv, not by this package's own table.
func TestGuessTurkishIconv(t *testing.T) {
	l := localFixture(t, "tr_cp857_iconv.log", LogOptions{})
	assert.Equal(t, "cp857", l.Encoding)
	checkLocalized(t, turkish857, l, true)

	// Only ASCII in the date ("3 Haziran 2024 Pazartesi") and one dotless ı
	// in a path: the day and month names tell Turkish from Western European.
	lc := turkish857
	lc.banner, lc.started, lc.source, lc.dest, lc.files, lc.options = "Robust File Copy for Windows", "Started", "Source", "Dest", "Files", "Options"
	lc.src, lc.dst = `D:\Yazılım\`, `E:\Yedek\`
	lc.names = [3]string{"a.txt", "b.txt", "c.txt"}
	lc.subdir = "x"
	lc.errAction, lc.errMsg, lc.waiting, lc.giveUp, lc.errWord = "Copying File", "Access is denied.", "Waiting 5 seconds... Retrying...", "HATA: RETRY LIMIT EXCEEDED.", "HATA"
	lc.newFile, lc.newer, lc.newDir = "New File", "Newer", "New Dir"
	lc.columns, lc.dirs, lc.filesRow, lc.bytesRow, lc.times, lc.speed, lc.ended = "Total", "Dirs", "Files", "Bytes", "Times", "Speed", "Ended"
	l, err := ParseLog(bytes.NewReader(encodeWith(t, cp857, lc.log(true))), LogOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cp857", l.Encoding)
	checkLocalized(t, lc, l, true)
}

// More OEM code pages: a log with English labels and a localized date and
// paths, as a server with an English UI and local regional settings writes.
func TestGuessOEMCodePages(t *testing.T) {
	tests := []struct {
		cp         int
		enc        encoding.Encoding
		date, path string
		alsoOK     int // a code page that decodes the bytes the same
	}{
		{850, charmap.CodePage850, "Montag, 3. Juni 2024 10:15:00", `D:\Geschäftsberichte\Übersicht März`, 0},
		{850, charmap.CodePage850, "lunes, 3 de junio de 2024 10:15:00", `D:\Facturación\Factura Nº 12`, 0},
		{437, charmap.CodePage437, "Monday, June 3, 2024 10:15:00 AM", `D:\Café\Résumé`, 850},
		{852, charmap.CodePage852, "poniedziałek, 3 czerwca 2024 10:15:00", `D:\Księgowość\Faktury źródłowe`, 0},
		{866, charmap.CodePage866, "понедельник, 3 июня 2024 г. 10:15:00", `D:\Документы\Отчёты`, 0},
		{855, charmap.CodePage855, "понедељак, 3. јун 2024. 10:15:00", `D:\Документи\Извештаји за њих`, 0},
		{857, cp857, "3 Haziran 2024 Pazartesi 10:15:00", `D:\Müşteri Çalışmaları\Ağustos`, 0},
		{737, cp737, "Δευτέρα, 3 Ιουνίου 2024 10:15:00", `D:\Έγγραφα\Αναφορές`, 0},
		{775, cp775, "2024 m. birželio 3 d., pirmadienis 10:15:00", `D:\Dokumentų\Ataskaitos ąžuolas`, 0},
		{862, charmap.CodePage862, "יום שני 03 יוני 2024 10:15:00", `D:\מסמכים\דוחות`, 0},
		{720, cp720, "الاثنين 3 يونيو 2024 10:15:00", `D:\المستندات\التقارير`, 0},
		{874, charmap.Windows874, "วันจันทร์ที่ 3 มิถุนายน พ.ศ. 2567 10:15:00", `D:\เอกสาร\รายงาน`, 0},
		// cp1258 writes some tone marks as combining characters.
		{1258, charmap.Windows1258, "Th\u01b0\u0301 Hai, 3 tháng 6, 2024 10:15:00", "D:\\Tài li\u00ea\u0323u\\Báo cáo", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.cp, tt.path), func(t *testing.T) {
			text := englishLog(tt.date, tt.path, `\\nas\b`, Counts{1, 1, 0, 0, 0, 0}, "")
			data := encodeWith(t, tt.enc, text)
			l, err := ParseLog(bytes.NewReader(data), LogOptions{})
			require.NoError(t, err)
			if l.Encoding != fmt.Sprintf("cp%d", tt.alsoOK) {
				assert.Equal(t, fmt.Sprintf("cp%d", tt.cp), l.Encoding)
			}
			want := decodeWith(t, tt.enc, data)
			assert.Contains(t, want, tt.path, "the code page holds the test's text")
			assert.Equal(t, tt.path, l.Jobs[0].Source)
			assert.Equal(t, strings.TrimSpace(decodeWith(t, tt.enc, encodeWith(t, tt.enc, tt.date))), l.Jobs[0].Started)
		})
	}
}

func decodeWith(t testing.TB, e encoding.Encoding, b []byte) string {
	t.Helper()
	out, err := e.NewDecoder().Bytes(b)
	require.NoError(t, err)
	return string(out)
}

// Every OEM code page a Windows console uses, and the ANSI ones, can be
// forced; 857 used to be refused.
func TestCodePagesAccepted(t *testing.T) {
	want := []int{437, 720, 737, 775, 850, 852, 855, 857, 858, 862, 866, 869, 874, 932, 936, 949, 950,
		1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258}
	got := CodePages()
	for _, id := range want {
		assert.Contains(t, got, id)
	}
	text := englishLog("3 Haziran 2024 Pazartesi", `D:\Yazılım`, `E:\b`, Counts{1, 1, 0, 0, 0, 0}, "")
	for _, id := range got {
		enc, err := codePage(id)
		require.NoError(t, err)
		data, err := enc.NewEncoder().Bytes([]byte(text))
		if err != nil {
			continue // the code page has no dotless ı
		}
		l, err := ParseLog(bytes.NewReader(data), LogOptions{CodePage: id})
		require.NoError(t, err, "code page %d", id)
		assert.Equal(t, fmt.Sprintf("cp%d", id), l.Encoding)
		assert.Equal(t, `D:\Yazılım`, l.Jobs[0].Source, "code page %d", id)
	}
	l, err := ParseLog(bytes.NewReader(encodeWith(t, charmap.Windows1254, text)), LogOptions{CodePage: 1254})
	require.NoError(t, err)
	assert.Equal(t, `D:\Yazılım`, l.Jobs[0].Source)
}

// The tables this package carries (x/text lacks them) agree with glibc's
// iconv, byte for byte; and encode back what they decode.
func TestOEMTablesMatchIconv(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "oem_upper_iconv.txt"))
	require.NoError(t, err)
	defer f.Close()
	tables := map[string]*oemTable{"CP737": cp737, "CP775": cp775, "CP857": cp857, "CP869": cp869}
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, upper, ok := strings.Cut(sc.Text(), " ")
		if !ok || tables[name] == nil {
			continue
		}
		seen++
		require.Equal(t, 128, utf8.RuneCountInString(upper), name)
		i := 0
		for _, r := range upper {
			want := r
			if r == '?' {
				want = utf8.RuneError // iconv: undefined
			}
			assert.Equal(t, string(want), string(tables[name].upper[i]), "%s byte %#x", name, 0x80+i)
			i++
		}
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, len(tables), seen)

	for _, tab := range []*oemTable{cp720, cp737, cp775, cp857, cp869} {
		all := make([]byte, 0, 256)
		for c := 0; c < 256; c++ {
			if c < 0x80 || tab.upper[c-0x80] != utf8.RuneError {
				all = append(all, byte(c))
			}
		}
		s := decodeWith(t, tab, all)
		back := encodeWith(t, tab, s)
		assert.Equal(t, all, back, tab.name)
		_, err := tab.NewEncoder().Bytes([]byte("漢"))
		assert.Error(t, err, tab.name)
	}
}

// The fixtures from real logs keep their code pages under the wider guess.
func TestGuessRealFixtures(t *testing.T) {
	assert.Equal(t, "cp866", fixture(t, "02_").Encoding)
	assert.Equal(t, "cp850", fixture(t, "08_").Encoding)
	assert.Equal(t, "cp936", fixture(t, "15_").Encoding)
	for _, name := range []string{"de_cp850_no_dashes_before_summary.log", "de_cp850_nfl_ndl_no_dashes_before_summary.log"} {
		l := localFixture(t, name, LogOptions{})
		assert.Equal(t, "cp850", l.Encoding, "%s used to be read as GBK", name)
		assert.Equal(t, "Montag, 3. Juni 2024 10:15:00", l.Jobs[0].Started)
	}
	assert.Equal(t, `D:\Daten\Büro\`, localFixture(t, "de_cp850_no_dashes_before_summary.log", LogOptions{}).Jobs[0].Source)
}

// With no date to go by (an English date, /NJH, or no header at all), the
// script statistics alone tell the CJK code pages apart, even from a short
// path: kana and level-1 kanji only read right in 932, pure common Hangul
// only in 949, and Big5 read as GBK (or the reverse) gives private-use or
// uncommon characters.
func TestGuessCJKFromScriptStatistics(t *testing.T) {
	tests := []struct {
		cp    int
		enc   encoding.Encoding
		paths []string
	}{
		{949, korean.EUCKR, []string{`D:\백업`, `D:\자료\보고서`, `D:\문서\2024년 회의록`, `D:\사진`, `E:\공유 폴더\인사팀`}},
		{932, japanese.ShiftJIS, []string{`D:\資料`, `D:\資料\報告書`, `D:\ドキュメント`, `D:\共有\営業部\見積書`, `D:\写真`, `D:\表`}},
		{950, traditionalchinese.Big5, []string{`D:\資料`, `D:\資料\報告`, `D:\文件\會議記錄`, `D:\共用\業務部`, `D:\照片`}},
		{936, simplifiedchinese.GBK, []string{`D:\资料`, `D:\项目\文件`, `D:\文档\会议记录`, `D:\共享\销售部`, `D:\照片`, `D:\新建文件夹`}},
	}
	for _, tt := range tests {
		for _, p := range tt.paths {
			data := encodeWith(t, tt.enc, englishLog("Monday, June 3, 2024 10:15:00 AM", p, `\\nas\b`, Counts{1, 1, 0, 0, 0, 0}, ""))
			l, err := ParseLog(bytes.NewReader(data), LogOptions{})
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("cp%d", tt.cp), l.Encoding, p)
			assert.Equal(t, p, l.Jobs[0].Source)
		}
	}
}

// An error message alone (a log cut to its error lines, English labels)
// is read in its code page. Not covered: a text whose letters decode the
// same in two code pages (Hungarian with only é and á reads the same in
// 850 and 852, and is called 850), or one letter that two code pages both
// read as a letter ("Erişim" is "Eričim" in 852, which comes first).
func TestGuessFromMessageOnly(t *testing.T) {
	tests := []struct {
		cp  int
		enc encoding.Encoding
		msg string
	}{
		{850, charmap.CodePage850, "Le processus ne peut pas accéder au fichier car ce fichier est utilisé par un autre processus."},
		{850, charmap.CodePage850, "El proceso no tiene acceso al archivo porque está siendo utilizado por otro proceso. Año Nº 5"},
		{850, charmap.CodePage850, "Processen kan inte komma åt filen eftersom den används av en annan process. Ärende öppnas"},
		{852, charmap.CodePage852, "Proces nie może uzyskać dostępu do pliku, ponieważ jest on używany przez inny proces."},
		{852, charmap.CodePage852, "Proces nemůže přistupovat k souboru, protože jej používá jiný proces."},
		{866, charmap.CodePage866, "Процесс не может получить доступ к файлу, так как этот файл занят другим процессом."},
		{857, cp857, "Dosya başka bir işlem tarafından kullanıldığından işlem bu dosyaya erişemiyor."},
		{737, cp737, "Η διεργασία δεν έχει πρόσβαση στο αρχείο επειδή χρησιμοποιείται από άλλη διεργασία."},
		{862, charmap.CodePage862, "התהליך אינו יכול לגשת לקובץ מכיוון שהוא נמצא בשימוש על-ידי תהליך אחר."},
		{720, cp720, "لا يمكن للعملية الوصول إلى الملف لأنه قيد الاستخدام بواسطة عملية أخرى."},
		{874, charmap.Windows874, "กระบวนการไม่สามารถเข้าถึงแฟ้มได้เนื่องจากแฟ้มถูกใช้งานโดยกระบวนการอื่น"},
		{932, japanese.ShiftJIS, japanese932.errMsg},
		{949, korean.EUCKR, korean949.errMsg},
		{950, traditionalchinese.Big5, chineseTW950.errMsg},
		{936, simplifiedchinese.GBK, chineseCN936.errMsg},
	}
	for _, tt := range tests {
		data := encodeWith(t, tt.enc, "2024/06/03 10:15:02 ERROR 32 (0x00000020) Copying File D:\\x\r\n"+tt.msg+"\r\n")
		l, err := ParseLog(bytes.NewReader(data), LogOptions{})
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("cp%d", tt.cp), l.Encoding, tt.msg)
		assert.Equal(t, tt.msg, l.Jobs[0].Errors[0].Message)
	}
}

func BenchmarkGuessCodePage(b *testing.B) {
	var text strings.Builder
	for text.Len() < peekBytes {
		text.WriteString(chineseTW950.log(true))
	}
	head := encodeWith(b, traditionalchinese.Big5, text.String())[:peekBytes]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if cp := guessCodePage(head, nil); cp != 950 {
			b.Fatal(cp)
		}
	}
}
