<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="65" />
        <source>TingJi — outpatient record assistant</source>
        <translation>听记 — 门诊病历助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="94" />
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="95" />
        <location filename="../../app/ui/main_window.py" line="136" />
        <source>Copy for EMR</source>
        <translation>复制到电子病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="96" />
        <source>Copy the record as text for the EMR (Ctrl+Shift+C)</source>
        <translation>复制病历文本，粘贴到电子病历系统（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="97" />
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="98" />
        <source>Export FHIR</source>
        <translation>导出 FHIR</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="99" />
        <source>Redraft record</source>
        <translation>重新生成病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="131" />
        <source>&amp;Visit</source>
        <translation>就诊(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="132" />
        <source>Open the sample visit</source>
        <translation>打开示例就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="134" />
        <source>Replay the sample visit as a recording</source>
        <translation>以录音方式回放示例就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="140" />
        <source>Export instructions for the patient (PDF)</source>
        <translation>导出患者版医嘱（PDF）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="145" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="151" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="152" />
        <source>Check models and microphone</source>
        <translation>检查模型和麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="238" />
        <location filename="../../app/ui/main_window.py" line="330" />
        <source>Sample visit: reference transcript, not recognised speech</source>
        <translation>示例就诊：显示的是参考文本，并非语音识别结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="251" />
        <source>Cannot start recording: %1</source>
        <translation>无法开始录音：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="263" />
        <source>Cannot resume: %1</source>
        <translation>无法继续录音：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="318" />
        <source>Transcribing the last words</source>
        <translation>正在转写最后几句</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="318" />
        <source>Separating speakers</source>
        <translation>正在区分说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="319" />
        <source>Labelling doctor and patient</source>
        <translation>正在标注医生和患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="319" />
        <source>Writing the record</source>
        <translation>正在生成病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="320" />
        <source>Loading the speech model</source>
        <translation>正在加载语音识别模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="321" />
        <source>Loading the speaker model</source>
        <translation>正在加载说话人模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="331" />
        <source>%1 utterances · right-click to correct a speaker</source>
        <translation>共 %1 句 · 右键可更正说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="335" />
        <source>No speech was recognised in this visit; the audio is kept.</source>
        <translation>本次就诊未识别到语音；录音已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="354" />
        <source>Draft ready: check the flagged sentences, then sign</source>
        <translation>草稿已生成：请核对标记的句子后签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="361" />
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="394" />
        <source>This sentence has no supporting utterance</source>
        <translation>此句在对话中没有依据</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="421" />
        <source>Speakers corrected: press 'Redraft record' to write the record again</source>
        <translation>已更正说话人：点击“重新生成病历”以重写病历</translation>
    </message>
</context>
<context>
    <name>OutputActions</name>
    <message>
        <location filename="../../app/ui/output_actions.py" line="39" />
        <source>Signed by %1 at %2</source>
        <translation>%1 已于 %2 签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="52" />
        <source>Record copied: paste it into the EMR</source>
        <translation>病历已复制，可粘贴到电子病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="76" />
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="83" />
        <source>Export FHIR</source>
        <translation>导出 FHIR</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="92" />
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="94" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="99" />
        <source>The language changes the next time TingJi starts.</source>
        <translation>界面语言将在下次启动听记时生效。</translation>
    </message>
</context>
<context>
    <name>PatientHeader</name>
    <message>
        <location filename="../../app/ui/patient_header.py" line="19" />
        <source>Patient name</source>
        <translation>患者姓名</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="21" />
        <source>Patient ID</source>
        <translation>门诊号</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="26" />
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="32" />
        <source>First visit</source>
        <translation>初诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="33" />
        <source>Follow-up</source>
        <translation>复诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="37" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="38" />
        <source>Template</source>
        <translation>模板</translation>
    </message>
</context>
<context>
    <name>QcPanel</name>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="100" />
        <source>Error: fix before signing</source>
        <translation>错误：签名前须修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="100" />
        <source>Warning: check</source>
        <translation>警告：请核对</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="101" />
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="108" />
        <source>1 error</source>
        <translation>1 个错误</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="108" />
        <source>%n errors</source>
        <translation>
            <numerusform>%n 个错误</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="109" />
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="109" />
        <source>%n warnings</source>
        <translation>
            <numerusform>%n 个警告</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="110" />
        <source>1 note</source>
        <translation>1 条提示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="110" />
        <source>%n notes</source>
        <translation>
            <numerusform>%n 条提示</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="111" />
        <source>%n reviewed</source>
        <translation>
            <numerusform>已核对 %n 条</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="114" />
        <source>No QC findings</source>
        <translation>质控未发现问题</translation>
    </message>
</context>
<context>
    <name>RecordBar</name>
    <message>
        <location filename="../../app/ui/record_bar.py" line="37" />
        <location filename="../../app/ui/record_bar.py" line="99" />
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="43" />
        <source>Start recording the visit (Ctrl+R)</source>
        <translation>开始录制本次就诊（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="44" />
        <location filename="../../app/ui/record_bar.py" line="101" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="46" />
        <source>Stop</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="48" />
        <source>Stop and write the record (Ctrl+E)</source>
        <translation>结束录音并生成病历（Ctrl+E）</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="55" />
        <source>Input level</source>
        <translation>输入音量</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="61" />
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="88" />
        <source>System default microphone</source>
        <translation>系统默认麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="99" />
        <source>Recording…</source>
        <translation>录音中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="101" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>RecordEditor</name>
    <message>
        <location filename="../../app/ui/record_editor.py" line="177" />
        <source>Mark as reviewed</source>
        <translation>标记为已核对</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="95" />
        <source>Edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="96" />
        <source>Changed by the doctor; its flags are checked again</source>
        <translation>医生已修改；已重新核查</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="99" />
        <source>Regenerating…</source>
        <translation>重新生成中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="100" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="101" />
        <source>Write this section again from the visit</source>
        <translation>根据对话重新生成本节</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="121" />
        <source>Writing…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="36" />
        <source>Not supported by the visit</source>
        <translation>对话中无依据</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="38" />
        <source>Contradicts the visit</source>
        <translation>与对话矛盾</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="43" />
        <source>{verdict}: {reason}</source>
        <translation>{verdict}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="46" />
        <source>Reviewed by the doctor</source>
        <translation>医生已核对</translation>
    </message>
</context>
<context>
    <name>StartupActions</name>
    <message>
        <location filename="../../app/ui/startup.py" line="50" />
        <source>No speech model is installed, so TingJi cannot transcribe yet. The sample visit is open so you can see the whole flow; the record is written without a language model. Ask IT to install the model packs (tingji models install).</source>
        <translation>尚未安装语音识别模型，听记暂时无法转写。已打开示例就诊，可体验完整流程；病历由无模型的抽取式方法生成。请联系信息科安装模型包（tingji models install）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="54" />
        <source>No speaker model is installed: the transcript will not tell doctor and patient apart.</source>
        <translation>尚未安装说话人模型：转写文本无法区分医生和患者。</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="57" />
        <source>No microphone found: %1</source>
        <translation>未找到麦克风：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="57" />
        <source>connect one and restart TingJi</source>
        <translation>请连接麦克风后重新启动听记</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="78" />
        <source>Sample visit: reference transcript, not recognised speech</source>
        <translation>示例就诊：显示的是参考文本，并非语音识别结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="119" />
        <source>A visit from %1 was interrupted (%2 s of audio kept). Finish it?</source>
        <translation>%1 开始的就诊意外中断（已保存 %2 秒录音）。是否完成该就诊？</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="122" />
        <source>Finish the visit</source>
        <translation>完成该就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="123" />
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="144" />
        <source>Recovered visit</source>
        <translation>已恢复的就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="154" />
        <source>The interrupted visit was discarded.</source>
        <translation>已丢弃中断的就诊。</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Companion</source>
        <translation>家属</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="52" />
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="114" />
        <source>Mark as %1</source>
        <translation>标为%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="118" />
        <source>Swap roles with %1 (%2)</source>
        <translation>与 %1（%2）互换角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="120" />
        <source>Same person as %1: merge</source>
        <translation>与 %1 是同一人：合并</translation>
    </message>
</context>
<context>
    <name>VisitsList</name>
    <message>
        <location filename="../../app/ui/visits_list.py" line="24" />
        <source>Today's visits</source>
        <translation>今日就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>recording</source>
        <translation>录音中</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>processing</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="29" />
        <source>signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="29" />
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
</context>
</TS>