/**
 * A few paragraphs of Japanese written for these tests (no copyrighted source): prose, a list, Latin words,
 * numbers, symbols and a long line, so that every rule of the analysis is exercised even without the shared corpus.
 */
export const JAPANESE_PARAGRAPHS = [
  '自然言語処理は、人間が日常的に使っている言葉をコンピュータで処理する技術です。形態素解析は自然言語処理の基本で、文章を単語に分割して品詞を付けます。日本語の文章には単語の区切りに空白がないため、辞書と統計を使って区切りを決めます。',
  '東京の大学で研究している田中さん達は、検索エンジンのためのキーワード抽出を開発しました。ウェブページを収集して、ページごとに頻出する名詞を数え、サイト全体でTF-IDFを計算します。',
  '設定ファイルを開いて、文字コードをUTF-8に変更してください。保存した後、エディタを再起動すると新しい設定が有効になります！設定を元に戻したい場合は、バックアップファイルを使ってください？',
  '2024年3月15日、第1回の勉強会が開かれました。参加者は約100人で、会費は500円でした。★重要★ 次回は4月です（詳細はhttp://example.jp/を参照）。',
  'JavaScriptとTypeScriptの違いについて説明します。TypeScriptは型のあるJavaScriptで、大規模なプログラムの開発に向いています。HTML文書の中のスクリプトもTypeScriptで書けます。',
  '春になると桜の花が咲き、多くの人が公園に集まって花見を楽しみます。美しい景色を見ながら、友達と話したり、写真を撮ったりします。夜になると、ライトアップされた桜もとても美しいです。',
  'サーバーの負荷が高くなったときは、ワーカーの数を増やして処理を分散させます。キューに溜まったジョブは順番に処理され、失敗したジョブは時間をおいて再試行されます。',
].join('\n');
