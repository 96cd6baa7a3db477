/**
 * The Japanese vocabulary of generated sites, written for this package (no text is copied from elsewhere).
 * Every character must exist in JIS X 0208 so that Shift_JIS and EUC-JP pages round-trip through a WHATWG
 * TextDecoder; that is why there is no wave dash, full-width tilde or minus sign anywhere below.
 */

/** A verb as its polite stem (`調べ` → 調べます) and its te-form (`調べて` → 調べています). */
export type Verb = readonly [stem: string, te: string];

/** Splits a space-separated word list (compact to write, and the words themselves contain no spaces). */
function words(list: string): readonly string[] {
  return list.split(' ');
}

/** Parses `stem/te stem/te …`. */
function verbs(list: string): readonly Verb[] {
  return list.split(' ').map((pair) => pair.split('/') as unknown as Verb);
}

export interface Theme {
  /** ASCII folder name of the theme's pages. */
  slug: string;
  /** The theme's name in Japanese (used in titles and navigation). */
  name: string;
  nouns: readonly string[];
  /** い-adjectives in their dictionary form. */
  adjectives: readonly string[];
  /** な-adjectives without the な. */
  naAdjectives: readonly string[];
  /** Verbs that take the theme's nouns as an object with を. */
  verbs: readonly Verb[];
}

export const THEMES: readonly Theme[] = [
  {
    slug: 'tenki',
    name: '天気',
    nouns: words(
      '天気予報 気温 湿度 梅雨 台風 晴れ間 夕立 雷 雪景色 霜 低気圧 高気圧 梅雨前線 気象庁 降水確率 最高気温 最低気温 紫外線 花粉 ' +
        '春一番 木枯らし 入道雲 天気図 気圧配置 熱中症 週間予報 雨雲 秋晴れ',
    ),
    adjectives: words('暑い 寒い 涼しい 暖かい 蒸し暑い 肌寒い 厳しい'),
    naAdjectives: words('穏やか 不安定 爽やか 快適'),
    verbs: verbs(
      '予想し/予想して 観測し/観測して 気にし/気にして 確かめ/確かめて 記録し/記録して チェックし/チェックして',
    ),
  },
  {
    slug: 'ryori',
    name: '料理',
    nouns: words(
      '味噌汁 出汁 醤油 昆布 鰹節 天ぷら 寿司 蕎麦 うどん 肉じゃが 炊き込みご飯 焼き魚 漬物 卵焼き 親子丼 ラーメン カレーライス ' +
        '季節の野菜 旬の食材 献立 家庭料理 郷土料理 包丁 土鍋 レシピ 和食 お弁当',
    ),
    adjectives: words('美味しい 甘い 辛い 香ばしい 温かい 優しい 懐かしい'),
    naAdjectives: words('素朴 上品 手軽 本格的'),
    verbs: verbs('作り/作って 味わい/味わって 煮込み/煮込んで 用意し/用意して 試し/試して 注文し/注文して'),
  },
  {
    slug: 'ryokou',
    name: '旅行',
    nouns: words(
      '温泉 旅館 新幹線 在来線 観光地 駅弁 お土産 露天風呂 城下町 宿場町 港町 展望台 絶景 路線バス 時刻表 旅行計画 一人旅 家族旅行 ' +
        '修学旅行 ガイドブック 世界遺産 北海道 沖縄 九州 四国 東北地方 日帰り旅行',
    ),
    adjectives: words('楽しい 遠い 近い 珍しい 広い 懐かしい 美しい'),
    naAdjectives: words('賑やか のどか 有名 便利'),
    verbs: verbs('訪れ/訪れて 巡り/巡って 予約し/予約して 楽しみ/楽しんで 探し/探して 計画し/計画して'),
  },
  {
    slug: 'gijutsu',
    name: '技術',
    nouns: words(
      'コンピュータ ソフトウェア プログラミング言語 データベース サーバー ネットワーク 分散システム クラウド 並列処理 メモリ プロセッサ ' +
        'キャッシュ アルゴリズム 設計書 テスト 性能評価 オープンソース セキュリティ 暗号化 ジョブキュー ログ 監視 TypeScript ' +
        'Linux API 通信規約 障害対応',
    ),
    adjectives: words('速い 遅い 新しい 古い 難しい 易しい 軽い'),
    naAdjectives: words('安全 柔軟 複雑 単純 重要'),
    verbs: verbs(
      '実装し/実装して 設計し/設計して 検証し/検証して 改善し/改善して 導入し/導入して 運用し/運用して 計測し/計測して',
    ),
  },
  {
    slug: 'nlp',
    name: '自然言語処理',
    nouns: words(
      '自然言語処理 形態素解析 単語分割 品詞 辞書 読み仮名 係り受け解析 機械翻訳 言語モデル コーパス 文字コード 全文検索 索引 固有表現 ' +
        '同義語 表記揺れ 平仮名 片仮名 漢字 送り仮名 分かち書き 頻度 共起関係 特徴語 要約 文書分類',
    ),
    adjectives: words('正しい 細かい 長い 短い 面白い 興味深い'),
    naAdjectives: words('正確 曖昧 自然 大量'),
    verbs: verbs(
      '解析し/解析して 抽出し/抽出して 集計し/集計して 分類し/分類して 正規化し/正規化して 評価し/評価して 学習し/学習して',
    ),
  },
  {
    slug: 'tokyo',
    name: '東京',
    nouns: words(
      '浅草 渋谷 新宿 上野公園 秋葉原 銀座 東京タワー 隅田川 山手線 地下鉄 築地 下町 商店街 高層ビル 皇居 神保町 古本屋 美術館 博物館 屋形船 花火大会 通勤電車 乗り換え 吉祥寺 谷中 月島',
    ),
    adjectives: words('騒がしい 新しい 高い 忙しい 明るい'),
    naAdjectives: words('賑やか おしゃれ 便利 有名'),
    verbs: verbs('散歩し/散歩して 見物し/見物して 歩き/歩いて 眺め/眺めて 案内し/案内して 見つけ/見つけて'),
  },
  {
    slug: 'kyoto',
    name: '京都',
    nouns: words(
      '清水寺 金閣寺 銀閣寺 嵐山 祇園 鴨川 伏見稲荷 哲学の道 二条城 西陣織 京町家 抹茶 和菓子 湯豆腐 舞妓 紅葉 桜並木 竹林 石庭 祇園祭 大文字 寺院 神社 庭園 茶道 路地',
    ),
    adjectives: words('美しい 古い 奥ゆかしい 趣深い 寒い'),
    naAdjectives: words('静か 雅 風流 見事 伝統的'),
    verbs: verbs('拝観し/拝観して 参拝し/参拝して 眺め/眺めて 味わい/味わって 巡り/巡って 撮影し/撮影して'),
  },
  {
    slug: 'shizen',
    name: '自然',
    nouns: words(
      '富士山 森林 渓流 滝 湖 湿原 里山 田園風景 野鳥 昆虫 高山植物 桜 紅葉狩り 星空 朝日 夕焼け 海岸 砂浜 干潟 火山 登山道 山小屋 国立公園 生態系 雪解け水 若葉',
    ),
    adjectives: words('青い 深い 高い 険しい 眩しい'),
    naAdjectives: words('豊か 雄大 清らか 貴重'),
    verbs: verbs('観察し/観察して 守り/守って 登り/登って 撮り/撮って 歩き/歩いて 保護し/保護して'),
  },
  {
    slug: 'rekishi',
    name: '歴史',
    nouns: words(
      '縄文時代 弥生時代 奈良時代 平安時代 鎌倉時代 室町時代 戦国時代 江戸時代 明治維新 古墳 遺跡 古文書 年表 城跡 街道 参勤交代 寺子屋 浮世絵 鎖国 文明開化 歴史資料 郷土史 史跡 出土品 大名',
    ),
    adjectives: words('古い 長い 興味深い 珍しい 新しい'),
    naAdjectives: words('貴重 有名 重要 意外'),
    verbs: verbs('研究し/研究して 調査し/調査して 発掘し/発掘して 読み解き/読み解いて 保存し/保存して 展示し/展示して'),
  },
  {
    slug: 'ongaku',
    name: '音楽',
    nouns: words(
      '演奏会 合唱 吹奏楽 三味線 尺八 琴 和太鼓 ピアノ バイオリン ギター 作曲家 楽譜 旋律 和音 リズム 音色 民謡 演歌 ジャズ オーケストラ 音楽祭 録音 歌詞 練習室 指揮者',
    ),
    adjectives: words('美しい 優しい 明るい 激しい 心地よい'),
    naAdjectives: words('華やか 繊細 見事 独特'),
    verbs: verbs('演奏し/演奏して 聴き/聴いて 練習し/練習して 作曲し/作曲して 歌い/歌って 録音し/録音して'),
  },
  {
    slug: 'kenkou',
    name: '健康',
    nouns: words(
      '睡眠 食生活 運動不足 散歩 体操 健康診断 血圧 体重 栄養 野菜 水分補給 生活習慣 ストレス 姿勢 肩こり 腰痛 柔軟体操 朝ご飯 入浴 深呼吸 歩数 筋力 予防接種 睡眠時間',
    ),
    adjectives: words('良い 悪い 軽い 正しい 規則正しい'),
    naAdjectives: words('健康 大切 適度 大事'),
    verbs: verbs('続け/続けて 意識し/意識して 見直し/見直して 測り/測って 取り入れ/取り入れて 改善し/改善して'),
  },
  {
    slug: 'kyouiku',
    name: '教育',
    nouns: words(
      '小学校 中学校 高校 大学 図書館 教科書 授業 宿題 読書感想文 自由研究 漢字練習 算数 理科 社会科 英語 部活動 運動会 文化祭 先生 生徒 学習計画 参考書 受験勉強 卒業式',
    ),
    adjectives: words('楽しい 難しい 易しい 忙しい 新しい'),
    naAdjectives: words('熱心 丁寧 大切 真剣'),
    verbs: verbs('学び/学んで 教え/教えて 読み/読んで 復習し/復習して 準備し/準備して 発表し/発表して'),
  },
];

/** Verbs that fit (almost) any noun as an object. */
export const GENERIC_VERBS: readonly Verb[] = verbs(
  '調べ/調べて 紹介し/紹介して 比較し/比較して 整理し/整理して 取り上げ/取り上げて 説明し/説明して 検討し/検討して 振り返り/振り返って',
);

export const TIMES: readonly string[] = words(
  '昨日 今朝 先週 先月 週末 去年の夏 今年の春 最近 先日 毎朝 休日 夕方 三月 十月の終わり 連休中 年末',
);

export const CONNECTORS: readonly string[] = words(
  'しかし また そのため 一方で 例えば 実は ところで さらに それでも つまり ちなみに そして',
);

export const PEOPLE: readonly string[] = words('私 友人 家族 同僚 地元の人 多くの人 研究者 学生 祖母 観光客 編集部');

export const FEELINGS: readonly string[] = words(
  'とても印象に残りました 改めて奥の深さを感じました 思ったより時間がかかりました 新しい発見がありました 次の機会が楽しみです もう少し詳しく知りたくなりました 意外な結果になりました 良い経験になりました',
);

export const SITE_NAME = 'くも便り';
